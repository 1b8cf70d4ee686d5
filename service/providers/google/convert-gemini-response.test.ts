import { describe, expect, it } from 'vitest';
import { convertGeminiResponse } from './convert-gemini-response.ts';
import { convertGeminiUsage } from './convert-gemini-usage.ts';
import { mapGoogleFinishReason } from './map-google-finish-reason.ts';

const now = () => 1_700_000_000_000;

describe('mapGoogleFinishReason', () => {
  it.each([
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool_calls'],
    ['MAX_TOKENS', true, 'length'],
    ['SAFETY', false, 'content_filter'],
    ['RECITATION', false, 'content_filter'],
    ['BLOCKLIST', false, 'content_filter'],
    ['PROHIBITED_CONTENT', false, 'content_filter'],
    ['SPII', false, 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', false, 'stop'],
    ['OTHER', false, 'stop'],
    [undefined, false, null],
  ] as const)('%s (calls: %s) → %s', (reason, calls, expected) => {
    expect(mapGoogleFinishReason(reason, calls)).toBe(expected);
  });
});

describe('convertGeminiUsage', () => {
  it('counts thoughts as completion tokens and breaks out reasoning and cached tokens', () => {
    expect(convertGeminiUsage({ promptTokenCount: 38, candidatesTokenCount: 8, totalTokenCount: 547, thoughtsTokenCount: 501, cachedContentTokenCount: 30 })).toEqual({
      prompt_tokens: 38,
      completion_tokens: 509,
      total_tokens: 547,
      prompt_tokens_details: { cached_tokens: 30 },
      completion_tokens_details: { reasoning_tokens: 501 },
    });
    expect(convertGeminiUsage({ promptTokenCount: 15, totalTokenCount: 15 })).toMatchObject({ prompt_tokens: 15, completion_tokens: 0, total_tokens: 15 });
    expect(convertGeminiUsage(undefined)).toBeUndefined();
  });
});

describe('convertGeminiResponse', () => {
  it('converts a text reply with usage', () => {
    const out = convertGeminiResponse(
      {
        candidates: [{ content: { parts: [{ text: 'Paris' }, { text: ' it is.' }], role: 'model' }, finishReason: 'STOP', avgLogprobs: -0.1 }],
        usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 3, totalTokenCount: 10 },
        modelVersion: 'gemini-2.0-flash',
        responseId: 'abc',
      },
      { model: 'gemini-2.0-flash-latest', now },
    );
    expect(out).toEqual({
      id: 'chatcmpl-abc',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gemini-2.0-flash',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Paris it is.' }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
    });
  });

  it('puts thought summaries in reasoning_content and keeps the call signature on the tool call', () => {
    const out = convertGeminiResponse(
      {
        candidates: [{ content: { parts: [{ text: 'I need the date.', thought: true }, { functionCall: { name: 'now', args: {} }, thoughtSignature: 'SIG' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
        responseId: 'r1',
      },
      { model: 'gemini-2.5-pro' },
    );
    const message = out.choices[0].message;
    expect(message.content).toBeNull();
    expect(message.reasoning_content).toBe('I need the date.');
    expect(message.tool_calls).toEqual([{ id: expect.stringMatching(/^call_[0-9a-f]{24}$/), type: 'function', function: { name: 'now', arguments: '{}' }, extra_content: { google: { thought_signature: 'SIG' } } }]);
    expect(out.choices[0].finish_reason).toBe('tool_calls');
    expect(out.model).toBe('gemini-2.5-pro');
    expect(out.usage).toBeUndefined();
  });

  it('gives parallel calls distinct stable ids, or the id Gemini sent', () => {
    const response = {
      candidates: [{ content: { parts: [{ functionCall: { name: 'sum', args: { x: 1 } } }, { functionCall: { name: 'sum', args: { x: 2 } } }, { functionCall: { name: 'sum', args: { x: 3 }, id: 'own-id' } }], role: 'model' }, finishReason: 'STOP' }],
      responseId: 'same',
    };
    const first = convertGeminiResponse(response, { model: 'm' }).choices[0].message.tool_calls!;
    const again = convertGeminiResponse(response, { model: 'm' }).choices[0].message.tool_calls!;
    expect(first.map((c) => c.id)).toEqual(again.map((c) => c.id));
    expect(new Set(first.map((c) => c.id)).size).toBe(3);
    expect(first[2].id).toBe('own-id');
    expect(first.map((c) => JSON.parse(c.function.arguments).x)).toEqual([1, 2, 3]);
  });

  it('answers a blocked prompt with content_filter and maps several candidates', () => {
    const blocked = convertGeminiResponse({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 4, totalTokenCount: 4 } }, { model: 'm' });
    expect(blocked.choices).toEqual([{ index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'content_filter', logprobs: null }]);
    const two = convertGeminiResponse(
      { candidates: [{ content: { parts: [{ text: 'a' }] }, finishReason: 'STOP', index: 0 }, { content: { parts: [{ text: 'b' }] }, finishReason: 'MAX_TOKENS', index: 1 }] },
      { model: 'm' },
    );
    expect(two.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'a', 'stop'],
      [1, 'b', 'length'],
    ]);
  });
});
