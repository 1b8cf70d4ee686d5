// The requests that have started and not yet been recorded, so a shutdown can wait for their
// records (a stream cut by the shutdown is recorded as such) before the log's last flush.
export class InFlightRequests {
  #count = 0;
  #waiters: Array<() => void> = [];

  get count(): number {
    return this.#count;
  }

  started(): void {
    this.#count++;
  }

  finished(): void {
    if (this.#count > 0) this.#count--;
    if (this.#count === 0) for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Resolves when none are left, or after `ms` whatever remains (true when none are left). */
  settled(ms: number): Promise<boolean> {
    if (this.#count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve(this.#count === 0);
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== done);
        resolve(this.#count === 0);
      }, ms);
      timer.unref();
      this.#waiters.push(done);
    });
  }
}
