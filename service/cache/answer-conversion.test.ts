import { describe, expect, it } from 'vitest';
import type { ChatCompletion, ChatCompletionChunk } from '../canonical/chat-types.ts';
import { chunksToCompletion, completionToChunks } from './answer-conversion.ts';

const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk' as const, created: 1700000000, model: 'm' };
const usage = { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 };

describe('chunksToCompletion', () => {
  it('joins text and reasoning and takes the finish reason and usage', () => {
    const chunks: ChatCompletionChunk[] = [
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
      { ...base, choices: [{ index: 0, delta: { reasoning_content: 'think ' }, finish_reason: null }] },
      { ...base, choices: [{ index: 0, delta: { reasoning_content: 'hard' }, finish_reason: null }] },
      { ...base, choices: [{ index: 0, delta: { content: 'Hello ' }, finish_reason: null }] },
      { ...base, choices: [{ index: 0, delta: { content: 'there' }, finish_reason: null }] },
      { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], system_fingerprint: 'fp' },
      { ...base, choices: [], usage },
    ];
    expect(chunksToCompletion(chunks)).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1700000000,
      model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there', reasoning_content: 'think hard' }, logprobs: null, finish_reason: 'stop' }],
      usage,
      system_fingerprint: 'fp',
    });
  });

  it('assembles tool calls from their pieces, by index', () => {
    const chunks: ChatCompletionChunk[] = [
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'get', arguments: '' } }] }, finish_reason: null }] },
      { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 1, id: 'c2', type: 'function', function: { name: 'put', arguments: '{}' } }] }, finish_reason: null }] },
      { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] }, finish_reason: null }] },
      { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '1}' } }] }, finish_reason: null }] },
      { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
    ];
    expect(chunksToCompletion(chunks).choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'get', arguments: '{"a":1}' } },
          { id: 'c2', type: 'function', function: { name: 'put', arguments: '{}' } },
        ],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    });
  });
});

describe('completionToChunks', () => {
  const completion: ChatCompletion = {
    id: 'chatcmpl-2',
    object: 'chat.completion',
    created: 1700000001,
    model: 'm',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Sure.', reasoning_content: 'because', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"x":1}' } }] },
        finish_reason: 'tool_calls',
      },
    ],
    usage,
  };

  it('unfolds reasoning, text and each tool call, closes the choice and ends with usage', () => {
    const chunks = completionToChunks(completion);
    expect(chunks.map((c) => (c.choices[0] ? [c.choices[0].delta, c.choices[0].finish_reason] : c.usage))).toEqual([
      [{ role: 'assistant', reasoning_content: 'because' }, null],
      [{ content: 'Sure.' }, null],
      [{ tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'f', arguments: '{"x":1}' } }] }, null],
      [{}, 'tool_calls'],
      usage,
    ]);
    expect(chunks.every((c) => c.id === 'chatcmpl-2' && c.object === 'chat.completion.chunk')).toBe(true);
  });

  it('folds back into the same answer', () => {
    const back = chunksToCompletion(completionToChunks(completion));
    expect(back.choices).toEqual([{ ...completion.choices[0], logprobs: null }]);
    expect(back.usage).toEqual(usage);
  });

  it('gives an empty answer one empty text chunk, so a stream still says something', () => {
    const empty: ChatCompletion = { ...completion, usage: undefined, choices: [{ index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'stop' }] };
    expect(completionToChunks(empty).map((c) => c.choices[0].delta)).toEqual([{ role: 'assistant', content: '' }, {}]);
  });
});
