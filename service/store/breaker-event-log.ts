// Every breaker state change, as it happened.
import type { Db } from './database.ts';

export interface BreakerEvent {
  ts: number;
  target: string;
  state: string;
}

export class BreakerEventLog {
  readonly #insert;
  readonly #recent;

  constructor(db: Db) {
    this.#insert = db.prepare('INSERT INTO breaker_events (ts, target, state) VALUES (?, ?, ?)');
    this.#recent = db.prepare('SELECT ts, target, state FROM breaker_events ORDER BY id DESC LIMIT ?');
  }

  add(target: string, state: string): void {
    this.#insert.run(Date.now(), target, state);
  }

  recent(limit = 50): BreakerEvent[] {
    return this.#recent.all(limit) as BreakerEvent[];
  }
}
