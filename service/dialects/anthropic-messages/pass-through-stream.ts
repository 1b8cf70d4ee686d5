// An Anthropic target's event stream, passed to the client byte for byte while the gateway reads
// along: it holds the stream until the first content (an error event before it fails over, like
// any stream), and it translates what it reads into canonical chunks for the request record
// (usage, output size, tool-call ids for tool-loop affinity). Nothing it reads changes the bytes.
import type { ChatCompletionChunk } from '../../canonical/chat-types.ts';
import { ProviderError } from '../../providers/provider-error.ts';
import { AnthropicStreamTranslator } from '../../providers/anthropic/anthropic-stream-translator.ts';
import { carriesContent } from '../../walk/stream-head.ts';

/** Held text before the stream is handed on anyway: pings alone must not grow it without bound. */
const MAX_HELD_CHARS = 256 * 1024;

/** Reads the events in the text that passes, one whole frame at a time. */
export class AnthropicEventWatch {
  readonly #translator: AnthropicStreamTranslator;
  #pending = '';
  /** Canonical chunks read since the last take(), for the record. */
  #chunks: ChatCompletionChunk[] = [];
  #failure: ProviderError | undefined;

  constructor(provider: string, model: string) {
    this.#translator = new AnthropicStreamTranslator(provider, model);
  }

  /** Whether message_stop has passed. */
  get complete(): boolean {
    return this.#translator.complete;
  }

  /** An error event that passed (the client has it too). */
  get failure(): ProviderError | undefined {
    return this.#failure;
  }

  /** Reads the text's whole frames; true when one of them carried content. */
  feed(text: string): boolean {
    this.#pending += text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
    let content = false;
    for (let end = this.#pending.indexOf('\n\n'); end !== -1; end = this.#pending.indexOf('\n\n')) {
      const frame = this.#pending.slice(0, end);
      this.#pending = this.#pending.slice(end + 2);
      const event = parseFrame(frame);
      if (!event) continue;
      if (event.type === 'message_stop') content = true;
      try {
        for (const chunk of this.#translator.push(event as never)) {
          this.#chunks.push(chunk);
          if (carriesContent(chunk)) content = true;
        }
      } catch (error) {
        // An error event is the upstream's failure; a block of an odd shape is not ours to judge here.
        if (error instanceof ProviderError) this.#failure ??= error;
      }
    }
    return content;
  }

  take(): ChatCompletionChunk[] {
    const chunks = this.#chunks;
    this.#chunks = [];
    return chunks;
  }
}

function parseFrame(frame: string): { type: string } | undefined {
  let data = '';
  for (const line of frame.split('\n')) {
    if (line.startsWith('data:')) data += line.slice(line[5] === ' ' ? 6 : 5);
  }
  if (!data) return undefined;
  try {
    const value: unknown = JSON.parse(data);
    return value && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string' ? (value as { type: string }) : undefined;
  } catch {
    return undefined;
  }
}

export interface OpenedPassThrough {
  /** The text up to and including the first content. */
  head: string;
  /** The rest as it arrives; after an error event has passed, the next read throws it (the breaker counts it). */
  rest: AsyncIterator<string>;
  watch: AnthropicEventWatch;
}

/** Resolves at the first content; an error event or an end before it rejects with a ProviderError, so the walk moves on. */
export async function openPassThroughStream(body: ReadableStream<Uint8Array>, provider: string, model: string): Promise<OpenedPassThrough> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const watch = new AnthropicEventWatch(provider, model);
  let head = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        throw watch.failure ?? new ProviderError({ provider, kind: 'invalid-response', message: 'upstream stream ended without any content' });
      }
      const text = decoder.decode(value, { stream: true });
      head += text;
      const content = watch.feed(text);
      if (watch.failure) throw watch.failure;
      if (content || head.length > MAX_HELD_CHARS) break;
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  }
  let failed = false;
  const rest: AsyncIterator<string> = {
    async next() {
      if (watch.failure && !failed) {
        failed = true;
        await reader.cancel().catch(() => undefined);
        throw watch.failure;
      }
      const { done, value } = await reader.read();
      if (done) {
        const tail = decoder.decode();
        if (tail) watch.feed(tail);
        return tail ? { done: false, value: tail } : { done: true, value: undefined };
      }
      const text = decoder.decode(value, { stream: true });
      watch.feed(text);
      return { done: false, value: text };
    },
    async return() {
      await reader.cancel().catch(() => undefined);
      return { done: true, value: undefined };
    },
  };
  return { head, rest, watch };
}
