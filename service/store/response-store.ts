// Responses stored for previous_response_id (/v1/responses with store: true): each row holds the
// whole conversation up to and including that response, as Responses items, for a set time.
import type { Db } from './database.ts';
import type { ResponseStoreContract } from './response-store-contract.ts';

/** Expired rows are swept (on SQLite and PostgreSQL alike) on every this-many saves, so the table never grows past its live window by much. */
export const SWEEP_EVERY = 100;

export class ResponseStore implements ResponseStoreContract {
  readonly #db: Db;
  readonly #ttlMs: number;
  #saves = 0;

  constructor(db: Db, ttlMs: number) {
    this.#db = db;
    this.#ttlMs = ttlMs;
  }

  save(id: string, items: unknown[], now = Date.now()): void {
    this.#db.prepare('INSERT OR REPLACE INTO stored_responses (id, created_at, expires_at, items) VALUES (?, ?, ?, ?)').run(id, now, now + this.#ttlMs, JSON.stringify(items));
    if (++this.#saves % SWEEP_EVERY === 1) this.#db.prepare('DELETE FROM stored_responses WHERE expires_at < ?').run(now);
  }

  /** The stored items, or undefined for an id never stored or past its time. */
  load(id: string, now = Date.now()): unknown[] | undefined {
    const row = this.#db.prepare('SELECT items, expires_at FROM stored_responses WHERE id = ?').get(id) as { items: string; expires_at: number } | undefined;
    if (!row || row.expires_at < now) return undefined;
    const items: unknown = JSON.parse(row.items);
    return Array.isArray(items) ? items : undefined;
  }
}
