import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk, ChunkDelta } from '../../canonical/chat-types.ts';
import { AnthropicSseEncoder } from './anthropic-sse-encoder.ts';

const chunk = (delta: ChunkDelta, finish: ChatCompletionChunk['choices'][0]['finish_reason'] = null): ChatCompletionChunk => ({
  id: 'chatcmpl-9',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-x',
  choices: [{ index: 0, delta, finish_reason: finish }],
});

function events(frames: string[]): Array<{ event: string; data: any }> {
  return frames.map((f) => {
    const [eventLine, dataLine] = f.trimEnd().split('\n');
    return { event: eventLine.slice('event: '.length), data: JSON.parse(dataLine.slice('data: '.length)) };
  });
}

describe('AnthropicSseEncoder', () => {
  it('opens with message_start at the first content and gives each kind of content its own block', () => {
    const encoder = new AnthropicSseEncoder('claude-x', () => 11);
    const frames = [
      ...encoder.push(chunk({ role: 'assistant', reasoning_content: 'Hm.' })),
      ...encoder.push(chunk({ content: 'Hi' })),
      ...encoder.push(chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '{"a"' } }] })),
      ...encoder.push(chunk({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] })),
      ...encoder.push(chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'g', arguments: '{}' } }] })),
      ...encoder.push(chunk({}, 'tool_calls')),
      ...encoder.push({ ...chunk({}), choices: [], usage: { prompt_tokens: 40, completion_tokens: 9, total_tokens: 49 } }),
      ...encoder.finish(),
    ];
    expect(events(frames).map((e) => `${e.event}${e.data.index === undefined ? '' : `:${e.data.index}`}${e.data.delta?.type ? `:${e.data.delta.type}` : ''}`)).toEqual([
      'message_start',
      'content_block_start:0',
      'content_block_delta:0:thinking_delta',
      'content_block_stop:0',
      'content_block_start:1',
      'content_block_delta:1:text_delta',
      'content_block_stop:1',
      'content_block_start:2',
      'content_block_delta:2:input_json_delta',
      'content_block_delta:2:input_json_delta',
      'content_block_stop:2',
      'content_block_start:3',
      'content_block_delta:3:input_json_delta',
      'content_block_stop:3',
      'message_delta',
      'message_stop',
    ]);
    const parsed = events(frames);
    expect(parsed[0].data.message).toMatchObject({ id: 'msg_chatcmpl9', model: 'claude-x', usage: { input_tokens: 11 } });
    expect(parsed[7].data.content_block).toEqual({ type: 'tool_use', id: 'call_a', name: 'f', input: {} });
    expect(parsed.at(-2)!.data).toEqual({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { input_tokens: 40, output_tokens: 9, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } });
  });

  it('sends nothing for a chunk without content', () => {
    const encoder = new AnthropicSseEncoder('claude-x', () => 0);
    expect(encoder.push(chunk({ role: 'assistant', content: '' }))).toEqual([]);
  });

  it('writes a failure as Anthropic error event', () => {
    const encoder = new AnthropicSseEncoder('claude-x', () => 0);
    expect(encoder.fail('api_error', 'cut')).toEqual(['event: error\ndata: {"type":"error","error":{"type":"api_error","message":"cut"}}\n\n']);
  });

  it('reports the fallback usage when the upstream gave none', () => {
    const encoder = new AnthropicSseEncoder('claude-x', () => 0);
    encoder.push(chunk({ content: 'Hi' }));
    const last = events(encoder.finish({ prompt_tokens: 30, completion_tokens: 2, total_tokens: 32 })).at(-2)!;
    expect(last.data.usage).toEqual({ input_tokens: 30, output_tokens: 2, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
  });
});
