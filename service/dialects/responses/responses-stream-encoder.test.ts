import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk, ChunkDelta } from '../../canonical/chat-types.ts';
import { ResponsesStreamEncoder } from './responses-stream-encoder.ts';

const chunk = (delta: ChunkDelta, finish: ChatCompletionChunk['choices'][0]['finish_reason'] = null): ChatCompletionChunk => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta, finish_reason: finish }],
});

function parse(frames: string[]): any[] {
  return frames.map((f) => {
    const [eventLine, dataLine] = f.trimEnd().split('\n');
    const data = JSON.parse(dataLine.slice('data: '.length));
    expect(eventLine).toBe(`event: ${data.type}`);
    return data;
  });
}

describe('ResponsesStreamEncoder', () => {
  it('emits the event sequence clients rely on, numbered, and ends with the whole response', () => {
    const encoder = new ResponsesStreamEncoder({ id: 'resp_1', createdAt: 1, model: 'router', body: {} });
    const events = parse([
      ...encoder.push(chunk({ role: 'assistant', content: '' })),
      ...encoder.push(chunk({ content: 'Hel' })),
      ...encoder.push(chunk({ content: 'lo' })),
      ...encoder.push(chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":' } }] })),
      ...encoder.push(chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] })),
      ...encoder.push(chunk({}, 'tool_calls')),
      ...encoder.push({ ...chunk({}), choices: [], usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } }),
      ...encoder.finish(),
    ]);
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const completed = events.at(-1).response;
    expect(completed.status).toBe('completed');
    expect(completed.output).toEqual([
      { id: 'msg_1_0', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hello', annotations: [], logprobs: [] }] },
      { id: 'fc_1_1', type: 'function_call', status: 'completed', call_id: 'call_1', name: 'f', arguments: '{"a":1}' },
    ]);
    expect(completed.usage).toMatchObject({ input_tokens: 5, output_tokens: 3, total_tokens: 8 });
    expect(encoder.output).toEqual(completed.output);
  });

  it('streams reasoning as a reasoning summary item', () => {
    const encoder = new ResponsesStreamEncoder({ id: 'resp_2', createdAt: 1, model: 'router', body: {} });
    const events = parse([...encoder.push(chunk({ reasoning_content: 'Hmm' })), ...encoder.finish()]);
    expect(events.map((e) => e.type)).toContain('response.reasoning_summary_text.delta');
    expect(events.at(-1).response.output).toEqual([{ id: 'rs_2_0', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Hmm' }] }]);
  });

  it('ends a failure with an error event and response.failed', () => {
    const encoder = new ResponsesStreamEncoder({ id: 'resp_3', createdAt: 1, model: 'router', body: {} });
    encoder.push(chunk({ content: 'Par' }));
    const events = parse(encoder.fail('stream_interrupted', 'upstream cut'));
    expect(events.map((e) => e.type)).toEqual(['error', 'response.failed']);
    expect(events[1].response).toMatchObject({ status: 'failed', error: { code: 'server_error', message: 'upstream cut' } });
  });
});
