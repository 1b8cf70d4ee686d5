import { describe, expect, it } from 'vitest';
import { HttpError } from '../../http/openai-error.ts';
import { parseMessagesBody, routingModel } from './messages-request.ts';

describe('routingModel', () => {
  it('classifies an Anthropic model name and keeps gateway names', () => {
    expect(routingModel('claude-opus-5-5', undefined, {})).toBe('router');
    expect(routingModel('router/coding', undefined, {})).toBe('router/coding');
    expect(routingModel('anthropic/claude-haiku-4-5', undefined, {})).toBe('anthropic/claude-haiku-4-5');
  });

  it('forces the category an operator mapped a Claude Code request class to', () => {
    const classes = { compaction: 'cheap', auxiliary: 'cheap' };
    expect(routingModel('claude-haiku-4-5', 'auxiliary', classes)).toBe('router/cheap');
    expect(routingModel('router', 'Compaction', classes)).toBe('router/cheap');
    expect(routingModel('claude-opus-5-5', 'main', classes)).toBe('router');
    // A named target is the client's explicit choice.
    expect(routingModel('openai/gpt-5', 'auxiliary', classes)).toBe('openai/gpt-5');
  });
});

describe('parseMessagesBody', () => {
  it('accepts a mid-conversation system turn and refuses a body without messages', () => {
    const ok = parseMessagesBody({ model: 'x', messages: [{ role: 'user', content: 'hi' }, { role: 'system', content: [{ type: 'text', text: 'env' }] }] });
    expect(ok).not.toBeInstanceOf(HttpError);
    const bad = parseMessagesBody({ model: 'x' }) as HttpError;
    expect(bad.status).toBe(400);
    expect(bad.message).toBe('messages: Field required');
  });
});
