// Identical requests that miss at the same moment share one upstream call: the first leads, the
// others wait for its answer. The wait is bounded, ends when the waiter's own request is aborted,
// and a leader that fails (or never reports) releases its waiters with null, to call on their own.

export interface Lead<T> {
  /** The answer for every waiter; later calls are ignored. */
  settle(value: T): void;
  /** No usable answer: waiters go on their own. */
  fail(): void;
}

interface Flight<T> {
  promise: Promise<T | null>;
  resolve: (value: T | null) => void;
  startedAt: number;
}

export class Coalescer<T> {
  readonly #flights = new Map<string, Flight<T>>();
  readonly #maxWaitMs: number;

  constructor(maxWaitMs: number) {
    this.#maxWaitMs = maxWaitMs;
  }

  get inFlight(): number {
    return this.#flights.size;
  }

  /** Leads the key's flight, or returns null when another request already leads it. */
  lead(key: string): Lead<T> | null {
    const current = this.#flights.get(key);
    // A leader that never reported is given up on once its waiters would have been.
    if (current && performance.now() - current.startedAt < this.#maxWaitMs) return null;
    let resolve!: (value: T | null) => void;
    const promise = new Promise<T | null>((r) => (resolve = r));
    const flight: Flight<T> = { promise, resolve, startedAt: performance.now() };
    this.#flights.set(key, flight);
    const end = (value: T | null) => {
      if (this.#flights.get(key) === flight) this.#flights.delete(key);
      flight.resolve(value);
    };
    return { settle: (value) => end(value), fail: () => end(null) };
  }

  /** Waits for the key's leader: its answer, or null on failure, timeout, abort or when nobody leads. */
  wait(key: string, signal: AbortSignal): Promise<T | null> {
    const flight = this.#flights.get(key);
    if (!flight || signal.aborted) return Promise.resolve(null);
    return new Promise<T | null>((resolve) => {
      const done = (value: T | null) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      };
      const onAbort = () => done(null);
      const timer = setTimeout(() => done(null), Math.max(0, this.#maxWaitMs - (performance.now() - flight.startedAt)));
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(done).catch(() => done(null));
    });
  }
}
