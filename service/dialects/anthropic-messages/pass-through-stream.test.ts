import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../providers/provider-error.ts';
import { openPassThroughStream } from './pass-through-stream.ts';

function body(...parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
}

const start = 'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","model":"m","usage":{"input_tokens":3,"output_tokens":1}}}\n\n';
const block = 'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n';
const ping = 'event: ping\ndata: {"type": "ping"}\n\n';
const delta = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}\n\n';
const end =
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
  'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}\n\n' +
  'event: message_stop\ndata: {"type":"message_stop"}\n\n';

describe('openPassThroughStream', () => {
  it('holds the text until the first content, then hands on the rest unchanged, reading usage along the way', async () => {
    const opened = await openPassThroughStream(body(start, block + ping, delta.slice(0, 30), delta.slice(30), end), 'p', 'm');
    expect(opened.head).toBe(start + block + ping + delta);
    let rest = '';
    for (let next = await opened.rest.next(); !next.done; next = await opened.rest.next()) rest += next.value;
    expect(rest).toBe(end);
    expect(opened.watch.complete).toBe(true);
    const usage = opened.watch.take().find((c) => c.usage)?.usage;
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 2 });
  });

  it('fails over on an error event before any content', async () => {
    const overloaded = 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
    const failure = await openPassThroughStream(body(start, overloaded), 'p', 'm').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as ProviderError).retryable).toBe(true);
  });

  it('fails over on a stream that ends before content', async () => {
    await expect(openPassThroughStream(body(start, block), 'p', 'm')).rejects.toThrow(/without any content/);
  });
});
