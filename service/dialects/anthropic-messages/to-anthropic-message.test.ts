import { describe, expect, it } from 'vitest';
import { toAnthropicMessage, toAnthropicUsage } from './to-anthropic-message.ts';

describe('toAnthropicMessage', () => {
  it('turns reasoning, text and tool calls into blocks, with the client model and Anthropic usage', () => {
    const message = toAnthropicMessage(
      {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-x',
        choices: [
          {
            index: 0,
            finish_reason: 'tool_calls',
            message: { role: 'assistant', content: 'Checking.', reasoning_content: 'Two cities.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }] },
          },
        ],
        usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, prompt_tokens_details: { cached_tokens: 30 } },
      },
      'claude-opus-5-5',
    );
    expect(message).toEqual({
      id: 'msg_chatcmpl1',
      type: 'message',
      role: 'assistant',
      model: 'claude-opus-5-5',
      content: [
        { type: 'thinking', thinking: 'Two cities.', signature: '' },
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Rome' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 70, output_tokens: 20, cache_read_input_tokens: 30, cache_creation_input_tokens: 0 },
    });
  });

  it('reads missing usage as zeros', () => {
    expect(toAnthropicUsage(null)).toEqual({ input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
  });
});
