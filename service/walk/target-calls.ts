// One target's call, as the walker runs it: the adapter's answer checked at the boundary (a shape
// the guard refuses is that upstream's fault), and a stream held until its first content and watched
// to its end, so the breaker counts a failure mid-stream too.
import type { ChatCompletion, ChatCompletionChunk, ChatRequest } from '../canonical/chat-types.ts';
import type { ChatProvider } from '../providers/chat-provider.ts';
import { ProviderError } from '../providers/provider-error.ts';
import type { Target } from '../plan/target.ts';
import { openFirstContent, type OpenedStream } from './stream-head.ts';
import { isEmptyCompletion } from './empty-completion.ts';
import { guardChunk, guardCompletion, InvalidAnswer, StreamErrorEvent } from './answer-guard.ts';

/** A call's value, and when the work behind it is over (a stream's end; at once for a completion). */
export interface Started<T> {
  value: T;
  done: Promise<void>;
}

export type TargetCall<T> = (adapter: ChatProvider, target: Target, signal: AbortSignal) => Promise<Started<T>>;

export const DONE = Promise.resolve();

/** One target's plain completion, checked: a refused shape or an empty answer is that target's fault. */
export function completeCall(request: ChatRequest): TargetCall<ChatCompletion> {
  return async (adapter, target, signal) => {
    const completion = checked(target.provider, await adapter.complete({ model: target.model, request, signal }), guardCompletion);
    if (isEmptyCompletion(completion)) {
      throw new ProviderError({ provider: target.provider, kind: 'invalid-response', message: 'upstream returned an empty completion' });
    }
    return { value: completion, done: DONE };
  };
}

/** One target's stream, held until its first content and watched to its end. */
export function streamCall(request: ChatRequest): TargetCall<OpenedStream> {
  return async (adapter, target, signal) => {
    const chunks = await adapter.stream({ model: target.model, request, signal });
    return settleOnEnd(await openFirstContent(checkedChunks(target.provider, chunks), target.provider));
  };
}

/** Runs the answer guard over what an adapter returned; a shape it refuses is that upstream's fault. */
function checked<T>(provider: string, value: unknown, guard: (value: unknown) => T): T {
  try {
    return guard(value);
  } catch (error) {
    throw answerFault(provider, error);
  }
}

async function* checkedChunks(provider: string, chunks: AsyncIterable<ChatCompletionChunk>): AsyncGenerator<ChatCompletionChunk> {
  for await (const chunk of chunks) yield checked(provider, chunk, guardChunk);
}

function answerFault(provider: string, error: unknown): unknown {
  if (error instanceof StreamErrorEvent) {
    const e = error.error;
    return new ProviderError({
      provider,
      kind: 'stream',
      retryable: true,
      message: error.message,
      type: typeof e.type === 'string' ? e.type : undefined,
      code: typeof e.code === 'string' || typeof e.code === 'number' ? e.code : undefined,
      metadata: e.metadata,
    });
  }
  if (error instanceof InvalidAnswer) return new ProviderError({ provider, kind: 'invalid-response', message: error.message });
  return error;
}

/** Wraps a stream's remainder so `done` settles when it ends: resolved on completion or early close, rejected on a failure. */
function settleOnEnd(opened: OpenedStream): Started<OpenedStream> {
  const { rest, done } = watchEnd(opened.rest);
  return { value: { head: opened.head, rest }, done };
}

/** Wraps any iterator so `done` settles when it ends: resolved on completion or early close, rejected on a failure. */
export function watchEnd<T>(rest: AsyncIterator<T>): { rest: AsyncIterator<T>; done: Promise<void> } {
  let settle!: (error?: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  const watched: AsyncIterator<T> = {
    async next() {
      try {
        const next = await rest.next();
        if (next.done) settle();
        return next;
      } catch (error) {
        settle(error ?? new Error('stream failed'));
        throw error;
      }
    },
    async return(value?: unknown) {
      settle();
      return rest.return ? rest.return(value) : { done: true, value: undefined };
    },
  };
  return { rest: watched, done };
}
