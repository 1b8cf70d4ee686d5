import { describe, expect, it } from 'vitest';
import type { ChatCompletion, ChatCompletionChunk } from '../canonical/chat-types.ts';
import { uncacheableRequest, unstorableChunks, unstorableCompletion } from './cache-policy.ts';

const completion = (finish: ChatCompletion['choices'][0]['finish_reason'], n = 1): ChatCompletion => ({
  id: 'c',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: Array.from({ length: n }, (_, index) => ({ index, message: { role: 'assistant' as const, content: 'x' }, finish_reason: finish })),
});
const chunk = (finish: ChatCompletionChunk['choices'][0]['finish_reason'], index = 0): ChatCompletionChunk => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index, delta: { content: 'x' }, finish_reason: finish }],
});

describe('uncacheableRequest', () => {
  it('refuses n > 1 and a turn that answers a tool result, unless tool loops are allowed', () => {
    const toolTurn = { model: 'router', messages: [{ role: 'user' as const, content: 'x' }, { role: 'tool' as const, content: '1', tool_call_id: 'c' }] };
    expect(uncacheableRequest({ model: 'router', messages: [{ role: 'user', content: 'x' }], n: 2 }, true)).toBe('n > 1');
    expect(uncacheableRequest(toolTurn, false)).toBe('tool loop turn');
    expect(uncacheableRequest(toolTurn, true)).toBeNull();
    expect(uncacheableRequest({ model: 'router', messages: [{ role: 'user', content: 'x' }], n: 1 }, false)).toBeNull();
  });
});

describe('unstorable answers', () => {
  it('keeps a finished single answer and refuses a truncated, unfinished or multi-choice one', () => {
    expect(unstorableCompletion(completion('stop'))).toBeNull();
    expect(unstorableCompletion(completion('tool_calls'))).toBeNull();
    expect(unstorableCompletion(completion('length'))).toBe('finish_reason length');
    expect(unstorableCompletion(completion('stop', 2))).toBe('not exactly one choice');
    expect(unstorableChunks([chunk(null), chunk('stop')])).toBeNull();
    expect(unstorableChunks([chunk(null)])).toBe('no finish reason');
    expect(unstorableChunks([chunk(null), chunk('length')])).toBe('finish_reason length');
    expect(unstorableChunks([chunk('stop'), chunk('stop', 1)])).toBe('not exactly one choice');
  });
});
