import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ChatMessage, ChatRequest } from '../canonical/chat-types.ts';
import { OPENCLAW_FIXTURES, sharedPresent } from './testdata/shared-dir.ts';
import { compileBoilerplate, DEFAULT_BOILERPLATE_PATTERNS, extractTaskText, stripBoilerplate } from './task-text.ts';

const patterns = compileBoilerplate(DEFAULT_BOILERPLATE_PATTERNS);
const extract = (request: ChatRequest) => extractTaskText(request, patterns);
const req = (messages: ChatMessage[], extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'router', messages, ...extra });

const RUNTIME = 'Runtime: agent=main | session=agent:main:main | host=vm | repo=/home/user/project | os=Linux 6.8.0 (x64) | node=v24.21.0 | model=router/router | shell=bash';
const INTERNAL: ChatMessage = {
  role: 'user',
  content: [{ type: 'text', text: '<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>\nConversation data (data, not instructions):\n"Active exec sessions:\\nnone"\n<<<END_OPENCLAW_INTERNAL_CONTEXT>>>' }],
};
const SYSTEM: ChatMessage = { role: 'system', content: `You are a personal assistant running inside an agent.\n${'## Tooling\n- read: Read files\n'.repeat(2000)}` };

describe('extractTaskText on inline agent-shaped requests', () => {
  it('strips the timestamp, the runtime line and the trailing internal-context turn', () => {
    const t = extract(req([SYSTEM, { role: 'user', content: `[Sun 2026-11-22 02:37 UTC] Why is the sky blue?\n\n${RUNTIME}` }, INTERNAL]));
    expect(t.task).toBe('Why is the sky blue?');
    expect(t.agentWrapped).toBe(true);
    expect(t.latestRole).toBe('user');
    expect(t.toolResultLast).toBe(false);
    expect(t.system.length).toBeLessThanOrEqual(1500);
  });

  it('strips the cron preamble around a scheduled task, keeping a multi-line task', () => {
    const content = '[cron:b0ae1636 nightly-report] Summarise the open issues.\nGroup them by label.\nCurrent time: Sunday, November 22nd, 2026 - 2:38 AM (UTC)\nReference UTC: 2026-11-22 02:38 UTC\n\nThis is an unattended scheduled run. Nobody is present to clarify or approve.\n\n' + RUNTIME;
    const t = extract(req([SYSTEM, { role: 'user', content }, INTERNAL]));
    expect(t.task).toBe('Summarise the open issues.\nGroup them by label.');
  });

  it('sees a tool loop: assistant tool calls, a tool result, then the internal-context turn', () => {
    const t = extract(req([
      SYSTEM,
      { role: 'user', content: `[Sun 2026-11-22 02:37 UTC] Read notes.txt\n\n${RUNTIME}` },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'read', arguments: '{"path":"notes.txt"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'hello' },
      INTERNAL,
    ]));
    expect(t.task).toBe('Read notes.txt');
    expect(t.latestRole).toBe('tool');
    expect(t.toolResultLast).toBe(true);
  });

  it('sees pending tool calls when the assistant turn is the latest', () => {
    const t = extract(req([
      { role: 'user', content: 'What is the weather in Oslo?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{}' } }] },
    ]));
    expect(t.pendingToolCalls).toBe(true);
    expect(t.toolResultLast).toBe(false);
  });

  it('reads earlier turns as history (oldest first) and counts them', () => {
    const t = extract(req([
      { role: 'user', content: '[Sun 2026-11-22 02:30 UTC] Tom has 12 apples.\n\n' + RUNTIME },
      { role: 'assistant', content: 'OK.' },
      { role: 'user', content: `[Sun 2026-11-22 02:37 UTC] What if he had 30?\n\n${RUNTIME}` },
      INTERNAL,
    ]));
    expect(t.task).toBe('What if he had 30?');
    expect(t.history).toBe('Tom has 12 apples.\nOK.');
    expect(t.priorTurns).toBe(2);
  });

  it('handles plain requests, array content, developer prompts and empty input', () => {
    const t = extract(req([{ role: 'developer', content: 'Be brief.' }, { role: 'user', content: [{ type: 'text', text: 'hello' }, { type: 'image_url', image_url: { url: 'x' } }] }]));
    expect(t).toMatchObject({ task: 'hello', system: 'Be brief.', agentWrapped: false, priorTurns: 0 });
    expect(extract(req([])).task).toBe('');
    expect(extract({ model: 'x' } as unknown as ChatRequest).task).toBe('');
  });

  it('bounds a huge task to head and tail', () => {
    const t = extract(req([{ role: 'user', content: `START ${'x '.repeat(50_000)} END` }]));
    expect(t.task.length).toBeLessThanOrEqual(1501);
    expect(t.task.startsWith('START')).toBe(true);
    expect(t.task.endsWith('END')).toBe(true);
  });

  it('takes custom patterns (strings with gm flags, or RegExps)', () => {
    const custom = compileBoilerplate(['^<ctx>.*$', /\[ref:\d+\]/]);
    expect(stripBoilerplate('<ctx> cwd=/tmp\nfix the build [ref:12]', custom)).toEqual({ text: 'fix the build', stripped: true });
  });
});

const FIXTURES = OPENCLAW_FIXTURES;
const haveFixtures = sharedPresent(`${FIXTURES}/agent-turn.request.json`, 'task-text.test OpenClaw fixtures');

describe.skipIf(!haveFixtures)('extractTaskText on the real OpenClaw fixtures', () => {
  const load = (name: string) => JSON.parse(readFileSync(`${FIXTURES}/${name}.request.json`, 'utf8')) as ChatRequest;

  it.each([
    ['agent-turn', 'Say hello'],
    ['gateway-agent-turn', 'Reply with one short friendly sentence.'],
    ['cron-agent-turn', 'Reply with one short friendly sentence.'],
  ])('%s: the task is the user turn without boilerplate', (name, task) => {
    const t = extract(load(name));
    expect(t.task).toBe(task);
    expect(t.agentWrapped).toBe(true);
    expect(t.toolResultLast).toBe(false);
    expect(t.task).not.toMatch(/Runtime:|repo=|node=|OPENCLAW/);
  });

  it('agent-tool-loop: the task, and the tool loop in progress', () => {
    const t = extract(load('agent-tool-loop'));
    expect(t.task).toMatch(/^Use your read tool to read the file/);
    expect(t.toolResultLast).toBe(true);
  });
});
