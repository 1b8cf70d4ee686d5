// Every breaker state change, as it happened. Written as it happens, from the breaker's own event:
// a write SQLite refuses (a lock held elsewhere, a read-only disk) loses that one history entry,
// reported, and never reaches the request the breaker was serving.
import type { Db } from './database.ts';
import type { BreakerEventLogContract } from './breaker-event-log-contract.ts';

export interface BreakerEvent {
  ts: number;
  target: string;
  state: string;
}

export class BreakerEventLog implements BreakerEventLogContract {
  readonly #insert;
  readonly #recent;
  #failures = 0;

  constructor(db: Db) {
    this.#insert = db.prepare('INSERT INTO breaker_events (ts, target, state) VALUES (?, ?, ?)');
    this.#recent = db.prepare('SELECT ts, target, state FROM breaker_events ORDER BY id DESC LIMIT ?');
  }

  add(target: string, state: string): void {
    try {
      this.#insert.run(Date.now(), target, state);
    } catch (error) {
      // Said the first time and every hundredth after, so a long outage does not flood the log.
      if (this.#failures++ % 100 === 0) console.error(`[router] breaker event not stored (${this.#failures} so far): ${(error as Error).message}`);
    }
  }

  /** State changes that could not be stored. */
  get writeFailures(): number {
    return this.#failures;
  }

  recent(limit = 50): BreakerEvent[] {
    return this.#recent.all(limit) as BreakerEvent[];
  }

  /** Every add() is written as it happens: nothing to flush. */
  close(): void {}
}
