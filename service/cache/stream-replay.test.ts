import { describe, expect, it, vi } from 'vitest';
import { rawJsonOf, withRawJson, type ChatCompletionChunk } from '../canonical/chat-types.ts';
import type { OpenedStream } from '../walk/stream-head.ts';
import { decodeBody, encodeBody, replayChunks, replayCompletion, watchStream } from './stream-replay.ts';

const chunk = (content: string, finish: 'stop' | null = null): ChatCompletionChunk => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta: { content }, finish_reason: finish }],
});

function opened(rest: ChatCompletionChunk[], failAfter?: number): OpenedStream {
  let i = 0;
  return {
    head: [chunk('a')],
    rest: {
      async next() {
        if (failAfter !== undefined && i >= failAfter) throw new Error('upstream broke');
        return i < rest.length ? { done: false, value: rest[i++] } : { done: true, value: undefined };
      },
      return: vi.fn(async () => ({ done: true as const, value: undefined })),
    },
  };
}

async function drain(stream: OpenedStream): Promise<string[]> {
  const seen = stream.head.map((c) => c.choices[0].delta.content as string);
  for (;;) {
    const next = await stream.rest.next();
    if (next.done) return seen;
    seen.push(next.value.choices[0].delta.content as string);
  }
}

describe('watchStream', () => {
  it('hands on every chunk and reports the texts once the stream has ended cleanly', async () => {
    const onEnd = vi.fn();
    const onAbandon = vi.fn();
    const raw = withRawJson(chunk('b'), '{"id":"c","upstream":"text"}');
    const watched = watchStream(opened([raw, chunk('', 'stop')]), { signal: new AbortController().signal, maxBytes: 10_000, onEnd, onAbandon });
    expect(await drain(watched)).toEqual(['a', 'b', '']);
    expect(onEnd).toHaveBeenCalledTimes(1);
    expect(onEnd.mock.calls[0][0][1]).toBe('{"id":"c","upstream":"text"}');
    expect(onAbandon).not.toHaveBeenCalled();
  });

  it('abandons a stream that fails, is left, is aborted or grows too big, and still passes its chunks', async () => {
    const options = () => ({ signal: new AbortController().signal, maxBytes: 10_000, onEnd: vi.fn(), onAbandon: vi.fn() });

    const failing = options();
    await expect(drain(watchStream(opened([chunk('b')], 1), failing))).rejects.toThrow('upstream broke');
    expect(failing.onAbandon).toHaveBeenCalledWith('stream failed');

    const left = options();
    const inner = opened([chunk('b')]);
    await watchStream(inner, left).rest.return!();
    expect(left.onAbandon).toHaveBeenCalledWith('left before the end');
    expect(inner.rest.return).toHaveBeenCalled();

    const controller = new AbortController();
    const aborted = { ...options(), signal: controller.signal };
    controller.abort();
    await drain(watchStream(opened([chunk('b')]), aborted));
    expect(aborted.onAbandon).toHaveBeenCalledWith('aborted');

    const big = { ...options(), maxBytes: 150 };
    expect(await drain(watchStream(opened([chunk('b'), chunk('c', 'stop')]), big))).toEqual(['a', 'b', 'c']);
    expect(big.onAbandon).toHaveBeenCalledWith('too big to keep');
    for (const o of [failing, left, aborted, big]) expect(o.onEnd).not.toHaveBeenCalled();
  });
});

describe('stored bodies', () => {
  it('read back what was written, keeping each chunk’s own text', () => {
    const texts = ['{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}]}'];
    const { kind, text } = encodeBody({ kind: 'chunks', chunks: texts });
    const body = decodeBody(kind, text)!;
    const replayed = replayChunks(body);
    expect(rawJsonOf(replayed[0])).toBe(texts[0]);
    expect(replayCompletion(body).choices[0].message.content).toBe('hi');
  });

  it('turn anything damaged into null', () => {
    expect(decodeBody('chunks', '{"not": "a list"}')).toBeNull();
    expect(decodeBody('chunks', '["{broken"]')).toBeNull();
    expect(decodeBody('chunks', '[]')).toBeNull();
    expect(decodeBody('completion', '{"id": "x"}')).toBeNull();
    expect(decodeBody('completion', '{"id": ')).toBeNull();
    expect(decodeBody('other', '{}')).toBeNull();
  });
});
