// A signal that aborts when its parent does or when its time runs out, with the timer
// cleared as soon as the work is done (AbortSignal.timeout would keep one alive per request).
import { ProviderError } from '../providers/provider-error.ts';

export class Deadline {
  readonly #controller = new AbortController();
  readonly #parent: AbortSignal;
  readonly #onParentAbort = () => this.#controller.abort(this.#parent.reason);
  #timer: NodeJS.Timeout | undefined;

  constructor(parent: AbortSignal, timeoutMs: number, provider: string) {
    this.#parent = parent;
    if (parent.aborted) this.#controller.abort(parent.reason);
    else parent.addEventListener('abort', this.#onParentAbort, { once: true });
    this.#timer = setTimeout(() => {
      this.#controller.abort(new ProviderError({ provider, kind: 'timeout', message: `no answer within ${timeoutMs} ms` }));
    }, timeoutMs);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  abort(reason: unknown): void {
    this.#controller.abort(reason);
  }

  /** Keeps following the parent but stops the clock. */
  stopTimer(): void {
    clearTimeout(this.#timer);
  }

  release(): void {
    clearTimeout(this.#timer);
    this.#parent.removeEventListener('abort', this.#onParentAbort);
  }
}
