import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../../canonical/chat-types.ts';
import { ProviderError } from '../provider-error.ts';
import type { GeminiGenerateContentResponse } from './gemini-api-types.ts';
import { GeminiStreamTranslator } from './gemini-stream-translator.ts';

function run(events: GeminiGenerateContentResponse[]): ChatCompletionChunk[] {
  const translator = new GeminiStreamTranslator({ provider: 'gemini', model: 'asked-model', now: () => 1_700_000_000_000 });
  return [...events.flatMap((e) => translator.push(e)), ...translator.end()];
}

const deltas = (chunks: ChatCompletionChunk[]) => chunks.map((c) => (c.choices[0] ? { ...c.choices[0].delta, finish: c.choices[0].finish_reason } : { usage: c.usage }));

describe('GeminiStreamTranslator', () => {
  it('streams text: role chunk, deltas, finish chunk, usage last', () => {
    const usage = { promptTokenCount: 15, totalTokenCount: 15 };
    const chunks = run([
      { candidates: [{ content: { parts: [{ text: 'The' }], role: 'model' } }], usageMetadata: usage, modelVersion: 'gemini-2.0-flash-exp', responseId: 'r1' },
      { candidates: [{ content: { parts: [{ text: ' capital' }], role: 'model' } }], usageMetadata: usage, responseId: 'r1' },
      { candidates: [{ content: { parts: [{ text: ' is Paris.' }], role: 'model' }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 13, candidatesTokenCount: 8, totalTokenCount: 21 }, responseId: 'r1' },
    ]);
    expect(deltas(chunks)).toEqual([
      { role: 'assistant', content: '', finish: null },
      { content: 'The', finish: null },
      { content: ' capital', finish: null },
      { content: ' is Paris.', finish: null },
      { finish: 'stop' },
      { usage: { prompt_tokens: 13, completion_tokens: 8, total_tokens: 21, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } } },
    ]);
    expect(chunks.every((c) => c.id === 'chatcmpl-r1' && c.model === 'gemini-2.0-flash-exp' && c.object === 'chat.completion.chunk' && c.created === 1_700_000_000)).toBe(true);
    expect(chunks.slice(0, -1).every((c) => !('usage' in c))).toBe(true);
  });

  it('streams thoughts as reasoning_content and each call whole, with index, id and signature', () => {
    const chunks = run([
      { candidates: [{ content: { parts: [{ text: 'Thinking…', thought: true }], role: 'model' }, index: 0 }], usageMetadata: { promptTokenCount: 38, thoughtsTokenCount: 68 } },
      {
        candidates: [{ content: { parts: [{ functionCall: { name: 'now', args: {} }, thoughtSignature: 'SIG' }, { functionCall: { name: 'sum', args: { x: 1 }, id: 'g1' } }], role: 'model' }, finishReason: 'STOP', index: 0 }],
        usageMetadata: { promptTokenCount: 38, candidatesTokenCount: 6, totalTokenCount: 212, thoughtsTokenCount: 168 },
      },
    ]);
    expect(deltas(chunks)).toEqual([
      { role: 'assistant', content: '', finish: null },
      { reasoning_content: 'Thinking…', finish: null },
      {
        tool_calls: [
          { index: 0, id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'now', arguments: '{}' }, extra_content: { google: { thought_signature: 'SIG' } } },
          { index: 1, id: 'g1', type: 'function', function: { name: 'sum', arguments: '{"x":1}' } },
        ],
        finish: null,
      },
      { finish: 'tool_calls' },
      { usage: expect.objectContaining({ prompt_tokens: 38, completion_tokens: 174, total_tokens: 212, completion_tokens_details: { reasoning_tokens: 168 } }) },
    ]);
  });

  it('numbers calls across events and ignores empty text carrying a signature', () => {
    const chunks = run([
      { candidates: [{ content: { parts: [{ functionCall: { name: 'a', args: {} } }] } }] },
      { candidates: [{ content: { parts: [{ functionCall: { name: 'b', args: {} } }] } }] },
      { candidates: [{ content: { parts: [{ text: '', thoughtSignature: 'S' }] }, finishReason: 'STOP' }] },
    ]);
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls.map((c) => [c.index, c.function?.name])).toEqual([
      [0, 'a'],
      [1, 'b'],
    ]);
    expect(chunks.filter((c) => c.choices[0]?.delta.content)).toHaveLength(0);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('tool_calls');
  });

  it('keeps candidates apart by index', () => {
    const chunks = run([
      { candidates: [{ content: { parts: [{ text: 'a' }] }, index: 0 }, { content: { parts: [{ text: 'b' }] }, index: 1 }] },
      { candidates: [{ content: { parts: [] }, finishReason: 'STOP', index: 0 }, { content: { parts: [] }, finishReason: 'MAX_TOKENS', index: 1 }] },
    ]);
    const byIndex = (i: number) => chunks.filter((c) => c.choices[0]?.index === i).map((c) => c.choices[0].delta.content ?? c.choices[0].finish_reason);
    expect(byIndex(0)).toEqual(['', 'a', 'stop']);
    expect(byIndex(1)).toEqual(['', 'b', 'length']);
  });

  it('answers a blocked prompt with content_filter', () => {
    expect(deltas(run([{ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 } }])).slice(0, 2)).toEqual([
      { role: 'assistant', content: '', finish: null },
      { finish: 'content_filter' },
    ]);
  });

  it('throws a stream ProviderError for an error event and for a stream cut before its finish', () => {
    const translator = new GeminiStreamTranslator({ provider: 'gemini', model: 'm' });
    translator.push({ candidates: [{ content: { parts: [{ text: 'Hi' }] } }] });
    const error = (() => {
      try {
        translator.push({ error: { code: 500, message: 'An internal error has occurred.', status: 'INTERNAL' } });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'stream', message: 'An internal error has occurred.', code: 'INTERNAL', retryable: true });
    expect(() => translator.end()).toThrow(/before a finish reason/);
    expect(() => run([])).toThrow(/without any candidate/);
  });
});
