import { describe, expect, it } from 'vitest';
import type { ChatRequest, ToolDefinition } from '../../canonical/chat-types.ts';
import { convertToOllamaChatRequest, formatOf, selectTools, thinkOf } from './convert-to-ollama-chat-request.ts';

const weather: ToolDefinition = {
  type: 'function',
  function: { name: 'get_weather', description: 'Get the weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: true },
};
const time: ToolDefinition = { type: 'function', function: { name: 'get_time' } };
const base = (extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'router', messages: [{ role: 'user', content: 'hi' }], ...extra });

describe('convertToOllamaChatRequest', () => {
  it('sends model and messages only when nothing else is asked', () => {
    expect(convertToOllamaChatRequest(base(), 'llama3.2')).toEqual({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }] });
  });

  it('maps sampling parameters into options', () => {
    const body = convertToOllamaChatRequest(base({ temperature: 0, top_p: 0.9, max_tokens: 50, stop: 'END', seed: 7, frequency_penalty: 0.1, presence_penalty: 0.2 }), 'm');
    expect(body.options).toEqual({ temperature: 0, top_p: 0.9, num_predict: 50, stop: ['END'], seed: 7, frequency_penalty: 0.1, presence_penalty: 0.2 });
  });

  it('prefers max_completion_tokens over max_tokens and keeps stop lists', () => {
    expect(convertToOllamaChatRequest(base({ max_tokens: 10, max_completion_tokens: 20, stop: ['a', 'b'] }), 'm').options).toEqual({ num_predict: 20, stop: ['a', 'b'] });
  });

  it('fills provider defaults (num_ctx, keep_alive) under the request’s own options', () => {
    const body = convertToOllamaChatRequest(base({ temperature: 0.5 }), 'm', { keep_alive: '10m', options: { num_ctx: 32768, temperature: 1 } });
    expect(body.options).toEqual({ num_ctx: 32768, temperature: 0.5 });
    expect(body.keep_alive).toBe('10m');
  });

  it('sends tools in the same JSON Schema function shape, without strict', () => {
    const body = convertToOllamaChatRequest(base({ tools: [weather, time] }), 'm');
    expect(body.tools).toEqual([
      { type: 'function', function: { name: 'get_weather', description: 'Get the weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
      { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
    ]);
  });

  it('maps response_format to format', () => {
    expect(convertToOllamaChatRequest(base({ response_format: { type: 'json_object' } }), 'm').format).toBe('json');
    const schema = { type: 'object', properties: { n: { type: 'number' } } };
    expect(convertToOllamaChatRequest(base({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema } } }), 'm').format).toEqual(schema);
    expect(formatOf({ type: 'text' })).toBeUndefined();
  });

  it('maps reasoning_effort to think', () => {
    expect(convertToOllamaChatRequest(base({ reasoning_effort: 'high' }), 'm').think).toBe('high');
    expect(convertToOllamaChatRequest(base(), 'm')).not.toHaveProperty('think');
  });
});

describe('selectTools (tool_choice)', () => {
  it.each([
    ['auto', ['get_weather', 'get_time']],
    [undefined, ['get_weather', 'get_time']],
    ['required', ['get_weather', 'get_time']],
    ['none', []],
  ] as const)('%s → %j', (choice, names) => {
    expect(selectTools(base({ tools: [weather, time], tool_choice: choice as ChatRequest['tool_choice'] })).map((t) => t.function.name)).toEqual(names);
  });

  it('narrows a named function choice to that tool', () => {
    expect(selectTools(base({ tools: [weather, time], tool_choice: { type: 'function', function: { name: 'get_time' } } })).map((t) => t.function.name)).toEqual(['get_time']);
  });

  it('keeps all tools when the named one is not offered', () => {
    expect(selectTools(base({ tools: [weather], tool_choice: { type: 'function', function: { name: 'nope' } } }))).toHaveLength(1);
  });

  it('takes legacy functions as tools', () => {
    expect(selectTools(base({ functions: [{ name: 'lookup', parameters: { type: 'object' } }] }))).toEqual([{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }]);
  });
});

describe('thinkOf', () => {
  it.each([
    ['none', false],
    ['minimal', 'low'],
    ['low', 'low'],
    ['medium', 'medium'],
    ['high', 'high'],
    ['xhigh', 'high'],
    ['bogus', undefined],
  ] as const)('reasoning_effort %s → %s', (effort, think) => {
    expect(thinkOf(base({ reasoning_effort: effort }))).toBe(think);
  });

  it('reads OpenRouter-style reasoning.effort and lets a native think win', () => {
    expect(thinkOf(base({ reasoning: { effort: 'low' } }))).toBe('low');
    expect(thinkOf(base({ reasoning_effort: 'high', think: false }))).toBe(false);
  });
});
