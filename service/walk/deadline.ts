// A signal that aborts when its parent does or when its time runs out. Deadlines are checked
// by one shared coarse timer instead of a setTimeout each: they are seconds to minutes long,
// a tick's slack is harmless, and a timer per request was a visible share of the hop's CPU.
import { ProviderError } from '../providers/provider-error.ts';

const TICK_MS = 25;
const active = new Set<Deadline>();
let ticker: NodeJS.Timeout | undefined;

function tick(): void {
  const now = performance.now();
  for (const deadline of active) deadline.expireIfDue(now);
  if (active.size === 0 && ticker) {
    clearInterval(ticker);
    ticker = undefined;
  }
}

export class Deadline {
  readonly #controller = new AbortController();
  readonly #parent: AbortSignal;
  readonly #provider: string;
  readonly #timeoutMs: number;
  readonly #due: number;
  readonly #onParentAbort = () => this.#controller.abort(this.#parent.reason);

  constructor(parent: AbortSignal, timeoutMs: number, provider: string) {
    this.#parent = parent;
    this.#provider = provider;
    this.#timeoutMs = timeoutMs;
    this.#due = performance.now() + timeoutMs;
    if (parent.aborted) this.#controller.abort(parent.reason);
    else parent.addEventListener('abort', this.#onParentAbort, { once: true });
    active.add(this);
    if (!ticker) {
      ticker = setInterval(tick, TICK_MS);
      ticker.unref();
    }
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Called by the shared timer. */
  expireIfDue(now: number): void {
    if (now < this.#due) return;
    active.delete(this);
    this.#controller.abort(new ProviderError({ provider: this.#provider, kind: 'timeout', message: `no answer within ${this.#timeoutMs} ms` }));
  }

  abort(reason: unknown): void {
    this.#controller.abort(reason);
  }

  /** Keeps following the parent but stops the clock. */
  stopTimer(): void {
    active.delete(this);
  }

  release(): void {
    active.delete(this);
    this.#parent.removeEventListener('abort', this.#onParentAbort);
  }
}
