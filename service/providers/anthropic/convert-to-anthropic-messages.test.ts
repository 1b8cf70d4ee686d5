import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../canonical/chat-types.ts';
import { convertToAnthropicMessages, parseToolArguments, toolUseId } from './convert-to-anthropic-messages.ts';

describe('convertToAnthropicMessages', () => {
  it('lifts system and developer messages into one system string', () => {
    const prompt = convertToAnthropicMessages([
      { role: 'system', content: 'You are terse.' },
      { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
      { role: 'user', content: 'hi' },
    ]);
    expect(prompt.system).toBe('You are terse.\n\nAnswer in French.');
    expect(prompt.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
  });

  it('keeps system blocks when one carries a cache breakpoint', () => {
    const prompt = convertToAnthropicMessages([
      { role: 'system', content: [{ type: 'text', text: 'big prompt', cache_control: { type: 'ephemeral' } }] },
      { role: 'user', content: 'hi' },
    ]);
    expect(prompt.system).toEqual([{ type: 'text', text: 'big prompt', cache_control: { type: 'ephemeral' } }]);
  });

  it('has no system when none was given', () => {
    expect(convertToAnthropicMessages([{ role: 'user', content: 'hi' }]).system).toBeUndefined();
  });

  it('turns assistant tool_calls into tool_use blocks and tool messages into one user turn of tool_result blocks', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: 'Checking both.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'rain' }] },
      { role: 'user', content: 'And tomorrow?' },
    ];
    expect(convertToAnthropicMessages(messages).messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking both.' },
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_weather', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: 'sunny' },
          { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'text', text: 'rain' }] },
          { type: 'text', text: 'And tomorrow?' },
        ],
      },
    ]);
  });

  it('sends an assistant turn with null content and only tool calls as tool_use blocks alone', () => {
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: 'x' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '' } }] },
      { role: 'tool', tool_call_id: 'toolu_1', content: '' },
    ]);
    expect(messages[1]).toEqual({ role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'f', input: {} }] });
    expect(messages[2]).toEqual({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1' }] });
  });

  it('merges consecutive same-role turns and skips empty ones', () => {
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: 'one' },
      { role: 'user', content: [{ type: 'text', text: 'two' }] },
      { role: 'assistant', content: '' },
      { role: 'user', content: 'three' },
      { role: 'assistant', content: 'a' },
      { role: 'assistant', content: 'b' },
    ]);
    expect(messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }, { type: 'text', text: 'three' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
    ]);
  });

  it('does not send reasoning_content back (Anthropic needs its signature for that)', () => {
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'answer', reasoning_content: 'thought' },
    ]);
    expect(messages[1]).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'answer' }] });
  });
});

describe('tool arguments and ids', () => {
  it('parses arguments to an object, falling back to {}', () => {
    expect(parseToolArguments('{"a":1}')).toEqual({ a: 1 });
    expect(parseToolArguments('not json')).toEqual({});
    expect(parseToolArguments('[1,2]')).toEqual({});
    expect(parseToolArguments('')).toEqual({});
  });

  it('makes foreign ids fit Anthropic’s pattern', () => {
    expect(toolUseId('call_abc-123')).toBe('call_abc-123');
    expect(toolUseId('functions.get_weather:0')).toBe('functions_get_weather_0');
    expect(toolUseId('')).toBe('toolu_missing');
  });
});
