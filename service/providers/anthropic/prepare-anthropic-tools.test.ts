import { describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../../canonical/chat-types.ts';
import { prepareAnthropicTools, toAnthropicToolChoice } from './prepare-anthropic-tools.ts';

const weather: ToolDefinition = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

describe('prepareAnthropicTools', () => {
  it('maps function tools to name/description/input_schema', () => {
    expect(prepareAnthropicTools({ tools: [weather] })).toEqual({
      tools: [{ name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }],
    });
  });

  it('gives a tool without parameters an empty object schema and keeps strict', () => {
    const { tools } = prepareAnthropicTools({ tools: [{ type: 'function', function: { name: 'now', strict: true } }] });
    expect(tools).toEqual([{ name: 'now', input_schema: { type: 'object', properties: {} }, strict: true }]);
  });

  it('sends no tool_choice without tools', () => {
    expect(prepareAnthropicTools({ tool_choice: 'required' })).toEqual({});
  });

  it('maps every tool_choice form', () => {
    expect(prepareAnthropicTools({ tools: [weather], tool_choice: 'auto' }).tool_choice).toEqual({ type: 'auto' });
    expect(prepareAnthropicTools({ tools: [weather], tool_choice: 'none' }).tool_choice).toEqual({ type: 'none' });
    expect(prepareAnthropicTools({ tools: [weather], tool_choice: 'required' }).tool_choice).toEqual({ type: 'any' });
    expect(prepareAnthropicTools({ tools: [weather], tool_choice: { type: 'function', function: { name: 'get_weather' } } }).tool_choice).toEqual({ type: 'tool', name: 'get_weather' });
    expect(prepareAnthropicTools({ tools: [weather] }).tool_choice).toBeUndefined();
  });

  it('turns parallel_tool_calls: false into disable_parallel_tool_use', () => {
    expect(prepareAnthropicTools({ tools: [weather], parallel_tool_calls: false }).tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(toAnthropicToolChoice('required', true)).toEqual({ type: 'any', disable_parallel_tool_use: true });
    expect(toAnthropicToolChoice({ type: 'function', function: { name: 'f' } }, true)).toEqual({ type: 'tool', name: 'f', disable_parallel_tool_use: true });
    expect(toAnthropicToolChoice('none', true)).toEqual({ type: 'none' });
    expect(prepareAnthropicTools({ tools: [weather], parallel_tool_calls: true }).tool_choice).toBeUndefined();
  });
});
