import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../../canonical/chat-types.ts';
import { ProviderError } from '../provider-error.ts';
import { AnthropicStreamTranslator, type AnthropicStreamEvent } from './anthropic-stream-translator.ts';

const start = (usage: Record<string, unknown> = { input_tokens: 20, cache_read_input_tokens: 5, cache_creation_input_tokens: 0, output_tokens: 1 }) =>
  ({ type: 'message_start', message: { id: 'msg_s', type: 'message', role: 'assistant', model: 'claude-x', content: [], stop_reason: null, stop_sequence: null, usage } }) as unknown as AnthropicStreamEvent;
const blockStart = (index: number, content_block: Record<string, unknown>) => ({ type: 'content_block_start', index, content_block }) as unknown as AnthropicStreamEvent;
const delta = (index: number, d: Record<string, unknown>) => ({ type: 'content_block_delta', index, delta: d }) as unknown as AnthropicStreamEvent;
const blockStop = (index: number) => ({ type: 'content_block_stop', index }) as AnthropicStreamEvent;
const messageDelta = (stop_reason: string, usage: Record<string, unknown> = { output_tokens: 30 }) =>
  ({ type: 'message_delta', delta: { stop_reason, stop_sequence: null }, usage }) as unknown as AnthropicStreamEvent;
const stop = { type: 'message_stop' } as AnthropicStreamEvent;

function run(events: AnthropicStreamEvent[]): { chunks: ChatCompletionChunk[]; translator: AnthropicStreamTranslator } {
  const translator = new AnthropicStreamTranslator('anthropic', 'fallback-model', 1700000000);
  return { chunks: events.flatMap((e) => translator.push(e)), translator };
}

const deltas = (chunks: ChatCompletionChunk[]) => chunks.filter((c) => c.choices.length > 0).map((c) => c.choices[0].delta);

describe('AnthropicStreamTranslator', () => {
  it('translates a text stream: role chunk, content deltas, finish, final usage chunk; ping ignored', () => {
    const { chunks, translator } = run([
      start(),
      blockStart(0, { type: 'text', text: '' }),
      { type: 'ping' },
      delta(0, { type: 'text_delta', text: 'Hello' }),
      delta(0, { type: 'text_delta', text: ' world' }),
      blockStop(0),
      messageDelta('end_turn'),
      stop,
    ]);
    expect(chunks[0]).toEqual({ id: 'msg_s', object: 'chat.completion.chunk', created: 1700000000, model: 'claude-x', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    expect(deltas(chunks).map((d) => d.content).join('')).toBe('Hello world');
    expect(chunks.at(-2)!.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: 'stop' });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 25, completion_tokens: 30, total_tokens: 55, prompt_tokens_details: { cached_tokens: 5 } } });
    expect(translator.complete).toBe(true);
    expect(() => translator.end()).not.toThrow();
  });

  it('numbers tool calls across tool blocks only and streams their arguments by index', () => {
    const { chunks } = run([
      start(),
      blockStart(0, { type: 'text', text: '' }),
      delta(0, { type: 'text_delta', text: 'Checking.' }),
      blockStop(0),
      blockStart(1, { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: {} }),
      delta(1, { type: 'input_json_delta', partial_json: '' }),
      delta(1, { type: 'input_json_delta', partial_json: '{"city":' }),
      delta(1, { type: 'input_json_delta', partial_json: '"Paris"}' }),
      blockStop(1),
      blockStart(2, { type: 'tool_use', id: 'toolu_b', name: 'get_weather', input: {} }),
      delta(2, { type: 'input_json_delta', partial_json: '{"city":"Rome"}' }),
      blockStop(2),
      messageDelta('tool_use'),
      stop,
    ]);
    const calls = deltas(chunks).flatMap((d) => d.tool_calls ?? []);
    expect(calls[0]).toEqual({ index: 0, id: 'toolu_a', type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(calls.filter((c) => c.index === 0).map((c) => c.function?.arguments).join('')).toBe('{"city":"Paris"}');
    expect(calls.find((c) => c.index === 1 && c.id)).toEqual({ index: 1, id: 'toolu_b', type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(calls.filter((c) => c.index === 1).map((c) => c.function?.arguments).join('')).toBe('{"city":"Rome"}');
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe('tool_calls');
  });

  it('sends a tool input given whole at block start (no deltas) at block stop; a tool without input gets {}', () => {
    const { chunks } = run([
      start(),
      blockStart(0, { type: 'tool_use', id: 'toolu_a', name: 'f', input: { a: 1 } }),
      blockStop(0),
      blockStart(1, { type: 'tool_use', id: 'toolu_b', name: 'g', input: {} }),
      delta(1, { type: 'input_json_delta', partial_json: '' }),
      blockStop(1),
      messageDelta('tool_use'),
      stop,
    ]);
    const calls = deltas(chunks).flatMap((d) => d.tool_calls ?? []);
    expect(calls.filter((c) => c.index === 0).map((c) => c.function?.arguments).join('')).toBe('{"a":1}');
    expect(calls.filter((c) => c.index === 1).map((c) => c.function?.arguments).join('')).toBe('{}');
  });

  it('streams thinking as reasoning_content and ignores signature deltas', () => {
    const { chunks } = run([
      start(),
      blockStart(0, { type: 'thinking', thinking: '', signature: '' }),
      delta(0, { type: 'thinking_delta', thinking: 'Hmm, ' }),
      delta(0, { type: 'thinking_delta', thinking: 'easy.' }),
      delta(0, { type: 'signature_delta', signature: 'EvMC' }),
      blockStop(0),
      blockStart(1, { type: 'text', text: '' }),
      delta(1, { type: 'text_delta', text: '42' }),
      blockStop(1),
      messageDelta('end_turn', { output_tokens: 50, output_tokens_details: { thinking_tokens: 30 } }),
      stop,
    ]);
    const all = deltas(chunks);
    expect(all.map((d) => d.reasoning_content ?? '').join('')).toBe('Hmm, easy.');
    expect(all.map((d) => d.content ?? '').join('')).toBe('42');
    expect(all.some((d) => JSON.stringify(d).includes('EvMC'))).toBe(false);
    expect(chunks.at(-1)!.usage?.completion_tokens_details).toEqual({ reasoning_tokens: 30 });
  });

  it('maps max_tokens to length and takes cumulative usage from message_delta', () => {
    const { chunks } = run([start({ input_tokens: 770, output_tokens: 8 }), blockStart(0, { type: 'text', text: '' }), delta(0, { type: 'text_delta', text: 'x' }), messageDelta('max_tokens', { input_tokens: 771, output_tokens: 38 }), stop]);
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe('length');
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 771, completion_tokens: 38 });
  });

  it('still sends a finish_reason when message_stop comes without message_delta', () => {
    const { chunks } = run([start(), blockStart(0, { type: 'text', text: 'hi' }), stop]);
    expect(deltas(chunks).map((d) => d.content).join('')).toBe('hi');
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('stop');
  });

  it('throws a retryable stream error on an overloaded error event', () => {
    const translator = new AnthropicStreamTranslator('anthropic', 'm');
    translator.push(start());
    let error: unknown;
    try {
      translator.push({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'stream', type: 'overloaded_error', retryable: true });
  });

  it('reports a stream that ended before message_stop as cut short', () => {
    const { translator } = run([start(), blockStart(0, { type: 'text', text: '' }), delta(0, { type: 'text_delta', text: 'par' })]);
    expect(translator.complete).toBe(false);
    expect(() => translator.end()).toThrow(/before message_stop/);
  });

  it('uses the requested model until message_start names one, and ignores unknown events', () => {
    const translator = new AnthropicStreamTranslator('anthropic', 'claude-requested');
    expect(translator.push({ type: 'some_future_event' } as unknown as AnthropicStreamEvent)).toEqual([]);
    expect(translator.push(blockStart(0, { type: 'text', text: 'early' }))[0].model).toBe('claude-requested');
  });
});
