import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../../canonical/chat-types.ts';
import { ProviderError } from '../provider-error.ts';
import { translateOllamaStream } from './ollama-stream-translator.ts';

const identity = { provider: 'ollama', id: 'chatcmpl-s', model: 'asked-for' };
const line = (message: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ model: 'gemma3:1b', created_at: '2025-08-20T13:48:24.316155Z', message: { role: 'assistant', content: '', ...message }, done: false, ...extra });
const final = (extra: Record<string, unknown> = {}) => ({ ...line({}), done: true, done_reason: 'stop', prompt_eval_count: 16, eval_count: 22, ...extra });

async function collect(parts: unknown[]): Promise<ChatCompletionChunk[]> {
  const out: ChatCompletionChunk[] = [];
  for await (const chunk of translateOllamaStream(from(parts), identity)) out.push(chunk);
  return out;
}

async function* from(parts: unknown[]): AsyncGenerator<any> {
  for (const p of parts) yield p;
}

const deltas = (chunks: ChatCompletionChunk[]) => chunks.map((c) => c.choices[0]?.delta ?? null);

describe('translateOllamaStream', () => {
  it('yields a role chunk, content deltas, a finish chunk and a usage chunk', async () => {
    const chunks = await collect([line({ content: 'Okay' }), line({ content: ', here' }), final()]);
    expect(deltas(chunks)).toEqual([{ role: 'assistant', content: '' }, { content: 'Okay' }, { content: ', here' }, {}, null]);
    expect(chunks[3].choices[0].finish_reason).toBe('stop');
    expect(chunks[4]).toEqual({ id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 1755697704, model: 'gemma3:1b', choices: [], usage: { prompt_tokens: 16, completion_tokens: 22, total_tokens: 38 } });
    expect(new Set(chunks.map((c) => c.id))).toEqual(new Set(['chatcmpl-s']));
    expect(new Set(chunks.map((c) => c.created)).size).toBe(1);
  });

  it('passes thinking as reasoning_content', async () => {
    const chunks = await collect([line({ thinking: 'Let me see' }), line({ content: 'Four.' }), final()]);
    expect(deltas(chunks).slice(1, 3)).toEqual([{ reasoning_content: 'Let me see' }, { content: 'Four.' }]);
  });

  it('emits each tool call whole, indexed across lines, and finishes with tool_calls', async () => {
    const chunks = await collect([
      line({ tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Tokyo' } } }] }),
      line({ tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Rome' } } }, { function: { name: 'get_time', arguments: {} } }] }, { created_at: '2025-08-20T13:48:25Z' }),
      final(),
    ]);
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls).toEqual([
      { index: 0, id: expect.stringMatching(/^call_0_/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } },
      { index: 1, id: expect.stringMatching(/^call_1_/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
      { index: 2, id: expect.stringMatching(/^call_2_/), type: 'function', function: { name: 'get_time', arguments: '{}' } },
    ]);
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('tool_calls');
  });

  it('maps done_reason length', async () => {
    const chunks = await collect([line({ content: 'cut' }), final({ done_reason: 'length' })]);
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('length');
  });

  it('handles content on the done line itself and a done line without counters', async () => {
    const chunks = await collect([{ model: 'm', message: { role: 'assistant', content: 'All at once' }, done: true, done_reason: 'stop' }]);
    expect(deltas(chunks)).toEqual([{ role: 'assistant', content: '' }, { content: 'All at once' }, {}]);
  });

  it('throws ProviderError kind stream on an {"error"} line, after the chunks before it', async () => {
    const seen: ChatCompletionChunk[] = [];
    const run = async () => {
      for await (const c of translateOllamaStream(from([line({ content: 'Yes' }), { error: 'an error was encountered while running the model' }]), identity)) seen.push(c);
    };
    await expect(run()).rejects.toMatchObject({ name: 'ProviderError', kind: 'stream', provider: 'ollama', message: 'an error was encountered while running the model' });
    expect(deltas(seen)).toEqual([{ role: 'assistant', content: '' }, { content: 'Yes' }]);
  });

  it('throws when the stream ends without its done line', async () => {
    await expect(collect([line({ content: 'Yes' })])).rejects.toBeInstanceOf(ProviderError);
    await expect(collect([])).rejects.toMatchObject({ kind: 'stream' });
  });
});
