// The parsers against output captured from the real CLIs (claude-code 2.1.332, codex 0.171.0 and
// gemini-cli 0.61.0, each aimed at a local fake of its vendor's API).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClaudeStreamJsonParser } from './claude-stream-json.ts';
import { CodexJsonlParser } from './codex-jsonl.ts';
import { GeminiStreamJsonParser } from './gemini-stream-json.ts';
import { MAX_LINE_CHARS, OutputTooLarge, type CliEvent, type CliOutputParser } from './cli-output.ts';

const testdata = (name: string) => readFileSync(path.join(import.meta.dirname, 'testdata', name), 'utf8');

/** Feeds the text in small pieces split anywhere, as a pipe delivers it. */
function parse(parser: CliOutputParser, text: string, piece = 37): CliEvent[] {
  const events: CliEvent[] = [];
  for (let i = 0; i < text.length; i += piece) events.push(...parser.push(text.slice(i, i + piece)));
  return [...events, ...parser.end()];
}

describe('ClaudeStreamJsonParser', () => {
  it('yields the text deltas once (not again from the whole assistant message) and the result usage with cost', () => {
    const events = parse(new ClaudeStreamJsonParser(), testdata('claude-stream-json.jsonl'));
    expect(events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text)).toEqual(['Hello', ' from', ' fake']);
    expect(events.at(-1)).toEqual({ type: 'usage', usage: { prompt_tokens: 11, completion_tokens: 3, total_tokens: 14, prompt_tokens_details: { cached_tokens: 0 }, cost: 0.000078 } });
  });

  it('takes the whole assistant message when no deltas came, and an error result as the failure', () => {
    const lines = [
      { type: 'assistant', message: { id: 'm1', content: [{ type: 'text', text: 'Whole answer' }] }, parent_tool_use_id: null },
      { type: 'assistant', message: { id: 'm2', content: [{ type: 'text', text: 'Invalid API key' }] }, is_api_error_message: true, error: 'authentication_failed' },
      { type: 'result', subtype: 'success', is_error: true, result: 'Invalid API key · Please run /login', api_error_status: 401 },
    ];
    const events = parse(new ClaudeStreamJsonParser(), lines.map((l) => JSON.stringify(l)).join('\n'));
    expect(events).toEqual([
      { type: 'text', text: 'Whole answer' },
      { type: 'error', message: 'Invalid API key · Please run /login', status: 401 },
    ]);
  });
});

describe('CodexJsonlParser', () => {
  it('yields each agent message and the turn usage; a warning item is not text', () => {
    const events = parse(new CodexJsonlParser(), testdata('codex-exec.jsonl'));
    expect(events).toEqual([
      { type: 'text', text: 'Hello from codex fake' },
      { type: 'usage', usage: { prompt_tokens: 21, completion_tokens: 4, total_tokens: 25, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } } },
    ]);
  });

  it('reports a failed turn with the status in its message', () => {
    const text = [{ type: 'error', message: 'Reconnecting... 1/5' }, { type: 'turn.failed', error: { message: 'unexpected status 401 Unauthorized: bad key' } }].map((l) => JSON.stringify(l)).join('\n');
    expect(parse(new CodexJsonlParser(), text)).toEqual([{ type: 'error', message: 'unexpected status 401 Unauthorized: bad key', status: 401 }]);
  });
});

describe('GeminiStreamJsonParser', () => {
  it('yields assistant message pieces (not the echoed user turn) and the result stats', () => {
    expect(parse(new GeminiStreamJsonParser(), testdata('gemini-stream-json.jsonl'))).toEqual([
      { type: 'text', text: 'Hello ' },
      { type: 'text', text: 'from ' },
      { type: 'text', text: 'Gemini' },
      { type: 'usage', usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17, prompt_tokens_details: { cached_tokens: 0 } } },
    ]);
  });
});

describe('JSON lines', () => {
  it('skips lines that are not JSON objects and refuses an endless line', () => {
    const parser = new CodexJsonlParser();
    expect(parse(parser, 'WARNING: banner\n[1,2]\n{not json\n')).toEqual([]);
    expect(() => parser.push('x'.repeat(MAX_LINE_CHARS + 1))).toThrow(OutputTooLarge);
  });
});
