// Waiting for a stream's first content without letting the client think the line is dead:
// Claude Code gives up on a stream that stays silent. Until the first ping is due the answer is
// awaited as usual (a failure is still an HTTP status); once it is due the stream is committed
// (200, text/event-stream) and a ping goes out every interval until the walk settles.
import { runDetached } from '../../process/detached-task.ts';

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** The walk's outcome when it settles within `ms`; undefined when the wait ran out first. */
export async function settledWithin<T>(pending: Promise<Settled<T>>, ms: number): Promise<Settled<T> | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([pending, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

export const PING_FRAME = 'event: ping\ndata: {"type": "ping"}\n\n';

export interface HeldStream<T> {
  pending: Promise<Settled<T>>;
  intervalMs: number;
  /** The answer's events once the walk succeeded. */
  answer: (value: T) => AsyncGenerator<string>;
  /** The frame for a walk that failed after the stream was committed. */
  failure: (error: unknown) => string;
  /** Closes an answer nobody will read (the client left while it was awaited). */
  discard: (value: T) => Promise<void> | void;
}

/** Pings until the walk settles, then its events (or its failure as one error event). */
export async function* heldStream<T>(held: HeldStream<T>): AsyncGenerator<string> {
  let consumed = false;
  try {
    yield PING_FRAME;
    for (;;) {
      const outcome = await settledWithin(held.pending, held.intervalMs);
      if (outcome === undefined) {
        yield PING_FRAME;
        continue;
      }
      consumed = true;
      if (!outcome.ok) {
        yield held.failure(outcome.error);
        return;
      }
      yield* held.answer(outcome.value);
      return;
    }
  } finally {
    if (!consumed) {
      runDetached('closing an answer the client left before it came', async () => {
        const outcome = await held.pending;
        if (outcome.ok) await held.discard(outcome.value);
      });
    }
  }
}
