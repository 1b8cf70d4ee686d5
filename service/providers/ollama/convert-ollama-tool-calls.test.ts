import { describe, expect, it } from 'vitest';
import { argumentsToJson, argumentsToObject, convertOllamaToolCall, ollamaToolCallId } from './convert-ollama-tool-calls.ts';

describe('convertOllamaToolCall', () => {
  it('turns object arguments into a JSON string and makes a stable call_<n>_<hash> id', () => {
    const call = { function: { name: 'get_weather', arguments: { city: 'Tokyo' } } };
    const a = convertOllamaToolCall(call, 0, '2025-07-07T20:32:53.844124Z');
    expect(a).toEqual({ id: expect.stringMatching(/^call_0_[0-9a-f]{12}$/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } });
    expect(convertOllamaToolCall(call, 0, '2025-07-07T20:32:53.844124Z').id).toBe(a.id);
    expect(convertOllamaToolCall(call, 1, '2025-07-07T20:32:53.844124Z').id).toMatch(/^call_1_/);
    expect(convertOllamaToolCall(call, 0, '2025-07-07T20:40:00Z').id).not.toBe(a.id);
  });

  it('keeps an id the server sent', () => {
    expect(convertOllamaToolCall({ id: 'call_srv1', function: { name: 'f', arguments: {} } }, 0, 's').id).toBe('call_srv1');
  });

  it('hashes name and arguments into the id', () => {
    expect(ollamaToolCallId(0, 'a', '{}', 's')).not.toBe(ollamaToolCallId(0, 'b', '{}', 's'));
    expect(ollamaToolCallId(0, 'a', '{}', 's')).not.toBe(ollamaToolCallId(0, 'a', '{"x":1}', 's'));
  });
});

describe('arguments', () => {
  it('serialises objects, keeps JSON strings, defaults to {}', () => {
    expect(argumentsToJson({ a: [1, 2] })).toBe('{"a":[1,2]}');
    expect(argumentsToJson('{"a":1}')).toBe('{"a":1}');
    expect(argumentsToJson('plain')).toBe('"plain"');
    expect(argumentsToJson(undefined)).toBe('{}');
  });

  it('parses OpenAI argument strings into objects; anything else becomes {}', () => {
    expect(argumentsToObject('{"city":"Paris"}')).toEqual({ city: 'Paris' });
    expect(argumentsToObject('{"city":')).toEqual({});
    expect(argumentsToObject('[1,2]')).toEqual({});
    expect(argumentsToObject('')).toEqual({});
  });
});
