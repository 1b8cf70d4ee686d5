// Responses stored for previous_response_id on PostgreSQL, so a follow-up may reach any replica.
// Each row holds the whole conversation up to and including that response, for a set time.
import type { ResponseStoreContract } from '../response-store-contract.ts';
import { SWEEP_EVERY } from '../response-store.ts';
import type { PgPool } from './pg-database.ts';

export class PgResponseStore implements ResponseStoreContract {
  readonly #pool: PgPool;
  readonly #ttlMs: number;
  #saves = 0;

  constructor(pool: PgPool, ttlMs: number) {
    this.#pool = pool;
    this.#ttlMs = ttlMs;
  }

  async save(id: string, items: unknown[], now = Date.now()): Promise<void> {
    // PostgreSQL's text cannot hold U+0000; JSON.stringify writes it escaped (\u0000), so the JSON text never does.
    await this.#pool.query(
      `INSERT INTO stored_responses (id, created_at, expires_at, items) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at, expires_at = excluded.expires_at, items = excluded.items`,
      [id, now, now + this.#ttlMs, JSON.stringify(items)],
    );
    if (++this.#saves % SWEEP_EVERY === 1) await this.#pool.query('DELETE FROM stored_responses WHERE expires_at < $1', [now]);
  }

  async load(id: string, now = Date.now()): Promise<unknown[] | undefined> {
    const { rows } = await this.#pool.query<{ items: string }>('SELECT items FROM stored_responses WHERE id = $1 AND expires_at >= $2', [id, now]);
    if (rows.length === 0) return undefined;
    const items: unknown = JSON.parse(rows[0].items);
    return Array.isArray(items) ? items : undefined;
  }
}
