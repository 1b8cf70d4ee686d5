// Streams in and out of the cache. A stored answer replays as an OpenedStream whose head holds
// every chunk (no pacing: the client gets it as fast as it reads). A live stream is watched as it
// passes: each chunk's JSON text is kept, and only a stream that ended cleanly is handed on.
import { answerJson, withRawJson, type ChatCompletion, type ChatCompletionChunk } from '../canonical/chat-types.ts';
import type { OpenedStream } from '../walk/stream-head.ts';
import { chunksToCompletion, completionToChunks } from './answer-conversion.ts';
import type { StoredKind } from '../store/response-cache-store.ts';

/** An answer as the cache holds it: the JSON text of each chunk, or of the completion. */
export type CachedBody = { kind: 'chunks'; chunks: string[] } | { kind: 'completion'; completion: string };

const ENDED: AsyncIterator<ChatCompletionChunk> = {
  next: () => Promise.resolve({ done: true, value: undefined }),
  return: () => Promise.resolve({ done: true, value: undefined }),
};

/** Fresh objects every call (dialect encoders change the chunks they send); each keeps its stored text. */
export function replayChunks(body: CachedBody): ChatCompletionChunk[] {
  if (body.kind === 'chunks') return body.chunks.map((text) => withRawJson(JSON.parse(text) as ChatCompletionChunk, text));
  return completionToChunks(JSON.parse(body.completion) as ChatCompletion);
}

export function replayCompletion(body: CachedBody): ChatCompletion {
  if (body.kind === 'completion') return withRawJson(JSON.parse(body.completion) as ChatCompletion, body.completion);
  return chunksToCompletion(body.chunks.map((text) => JSON.parse(text) as ChatCompletionChunk));
}

export function replayStream(body: CachedBody): OpenedStream {
  return { head: replayChunks(body), rest: ENDED };
}

/** The row's text, and back. Anything that does not read back as a body is corrupt (null). */
export function encodeBody(body: CachedBody): { kind: StoredKind; text: string } {
  return body.kind === 'chunks' ? { kind: 'chunks', text: JSON.stringify(body.chunks) } : { kind: 'completion', text: body.completion };
}

export function decodeBody(kind: string, text: string): CachedBody | null {
  try {
    if (kind === 'completion') {
      const parsed = JSON.parse(text) as ChatCompletion;
      return parsed && typeof parsed === 'object' && Array.isArray(parsed.choices) ? { kind, completion: text } : null;
    }
    if (kind === 'chunks') {
      const chunks = JSON.parse(text) as unknown;
      if (!Array.isArray(chunks) || chunks.length === 0 || !chunks.every((c) => typeof c === 'string')) return null;
      // Each chunk is parsed again on replay; check them now so a damaged row is a miss, not a broken stream.
      for (const c of chunks) if (!Array.isArray((JSON.parse(c) as ChatCompletionChunk)?.choices)) return null;
      return { kind, chunks };
    }
  } catch {
    return null;
  }
  return null;
}

export interface WatchOptions {
  signal: AbortSignal;
  /** Past this many bytes of chunk text the stream is no longer kept (it still reaches the client). */
  maxBytes: number;
  /** The stream ended cleanly: its chunks as text, and as the objects that passed (for their finish reasons). */
  onEnd(texts: string[], chunks: ChatCompletionChunk[]): void;
  /** Failed, cut short by an abort, left by the client, or too big to keep. */
  onAbandon(reason: string): void;
}

export function watchStream(opened: OpenedStream, options: WatchOptions): OpenedStream {
  let kept: string[] | null = [];
  const passed: ChatCompletionChunk[] = [];
  let bytes = 0;
  let settled = false;
  const keep = (chunk: ChatCompletionChunk) => {
    if (!kept) return;
    const text = answerJson(chunk);
    bytes += text.length;
    if (bytes > options.maxBytes) abandon('too big to keep');
    else {
      kept.push(text);
      passed.push(chunk);
    }
  };
  const abandon = (reason: string) => {
    kept = null;
    if (settled) return;
    settled = true;
    options.onAbandon(reason);
  };
  for (const chunk of opened.head) keep(chunk);
  const inner = opened.rest;
  const rest: AsyncIterator<ChatCompletionChunk> = {
    async next() {
      let next: IteratorResult<ChatCompletionChunk>;
      try {
        next = await inner.next();
      } catch (error) {
        abandon('stream failed');
        throw error;
      }
      if (!next.done) {
        keep(next.value);
        return next;
      }
      // An upstream cut off by an abort can look finished; it is not.
      if (options.signal.aborted) abandon('aborted');
      else if (kept && !settled) {
        settled = true;
        options.onEnd(kept, passed);
      }
      return next;
    },
    async return(value?: unknown) {
      abandon('left before the end');
      return (await inner.return?.(value)) ?? { done: true, value: undefined };
    },
  };
  return { head: opened.head, rest };
}
