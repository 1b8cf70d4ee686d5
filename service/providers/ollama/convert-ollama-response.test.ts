import { describe, expect, it } from 'vitest';
import { convertOllamaResponse, createdSeconds, ollamaUsage } from './convert-ollama-response.ts';

const identity = { id: 'chatcmpl-test', model: 'asked-for' };

describe('convertOllamaResponse', () => {
  it('converts a text answer without done_reason (older servers) to stop, with usage', () => {
    const completion = convertOllamaResponse(
      { model: 'llama3.2', created_at: '2023-12-12T14:13:43.416799Z', message: { role: 'assistant', content: 'Hello! How are you today?' }, done: true, prompt_eval_count: 26, eval_count: 298 },
      identity,
    );
    expect(completion).toEqual({
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: 1702390423,
      model: 'llama3.2',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! How are you today?' }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 26, completion_tokens: 298, total_tokens: 324 },
    });
  });

  it('converts tool calls (content null, finish tool_calls, arguments as a JSON string)', () => {
    const completion = convertOllamaResponse(
      { model: 'llama3.2', created_at: '2025-07-07T20:32:53.844124Z', message: { role: 'assistant', content: '', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Tokyo' } } }] }, done_reason: 'stop', done: true },
      identity,
    );
    const message = completion.choices[0].message;
    expect(message.content).toBeNull();
    expect(message.tool_calls).toEqual([{ id: expect.stringMatching(/^call_0_/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } }]);
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(completion).not.toHaveProperty('usage');
  });

  it('moves thinking to reasoning_content and reports length', () => {
    const completion = convertOllamaResponse({ message: { content: 'Partial', thinking: 'Hmm.' }, done_reason: 'length', done: true, eval_count: 5 }, identity);
    expect(completion.model).toBe('asked-for');
    expect(completion.choices[0]).toMatchObject({ message: { content: 'Partial', reasoning_content: 'Hmm.' }, finish_reason: 'length' });
    expect(completion.usage).toEqual({ prompt_tokens: 0, completion_tokens: 5, total_tokens: 5 });
  });

  it('keeps an empty text answer as "" (the router treats it as empty)', () => {
    expect(convertOllamaResponse({ message: { content: '' }, done: true }, identity).choices[0].message.content).toBe('');
  });
});

describe('helpers', () => {
  it('reads nanosecond RFC 3339 timestamps, falling back to now', () => {
    expect(createdSeconds('2025-05-10T08:06:48.639712648-07:00')).toBe(1746889608);
    expect(createdSeconds(undefined, 5_000)).toBe(5);
    expect(createdSeconds('not a date', 7_000)).toBe(7);
  });

  it('reports no usage when no counters came', () => {
    expect(ollamaUsage({ done: true })).toBeUndefined();
  });
});
