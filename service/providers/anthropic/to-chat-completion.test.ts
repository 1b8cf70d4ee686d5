import { describe, expect, it } from 'vitest';
import type Anthropic from '@anthropic-ai/sdk';
import { toChatCompletion } from './to-chat-completion.ts';

const usage = { input_tokens: 12, output_tokens: 29, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };

function message(content: unknown[], stop_reason = 'end_turn', extra: Record<string, unknown> = {}): Anthropic.Message {
  return { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-x', content, stop_reason, stop_sequence: null, usage, ...extra } as unknown as Anthropic.Message;
}

describe('toChatCompletion', () => {
  it('turns text blocks into content with usage and finish_reason', () => {
    const completion = toChatCompletion(message([{ type: 'text', text: 'Hello' }, { type: 'text', text: ' there' }]), 1700000000);
    expect(completion).toEqual({
      id: 'msg_1',
      object: 'chat.completion',
      created: 1700000000,
      model: 'claude-x',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there' }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 12, completion_tokens: 29, total_tokens: 41, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 } },
    });
  });

  it('turns tool_use blocks into tool_calls with JSON string arguments, content null without text', () => {
    const completion = toChatCompletion(
      message(
        [
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' }, caller: { type: 'direct' } },
          { type: 'tool_use', id: 'toolu_2', name: 'now', input: {} },
        ],
        'tool_use',
      ),
    );
    const choice = completion.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([
      { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'toolu_2', type: 'function', function: { name: 'now', arguments: '{}' } },
    ]);
  });

  it('puts thinking into reasoning_content and skips redacted thinking', () => {
    const completion = toChatCompletion(
      message([
        { type: 'thinking', thinking: 'Let me think.', signature: 'sig' },
        { type: 'redacted_thinking', data: 'opaque' },
        { type: 'text', text: 'Answer.' },
      ]),
    );
    expect(completion.choices[0].message).toEqual({ role: 'assistant', content: 'Answer.', reasoning_content: 'Let me think.' });
  });

  it('maps max_tokens and refusal stops', () => {
    expect(toChatCompletion(message([{ type: 'text', text: 'cut' }], 'max_tokens')).choices[0].finish_reason).toBe('length');
    expect(toChatCompletion(message([], 'refusal')).choices[0].finish_reason).toBe('content_filter');
  });
});
