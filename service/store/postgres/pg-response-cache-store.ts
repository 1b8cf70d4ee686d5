// The response cache's entries on PostgreSQL, shared by every replica: one answer per key, bounded
// by the total size of all entries (least recently hit goes first) and by each entry's expiry.
// The total lives in one row that a trigger keeps; every writer locks that row first, so the bound
// holds whichever replicas write at once, and writers queue instead of deadlocking. Hits only queue
// in memory; they reach PostgreSQL (as recency from a shared sequence) before this replica evicts.
import type pg from 'pg';
import { MAX_PENDING_TOUCHES, sizeOf, type CacheEntry, type CacheStoreStats } from '../response-cache-store.ts';
import type { ResponseCacheStoreContract } from '../response-cache-store-contract.ts';
import { runDetached } from '../../process/detached-task.ts';
import { inTransaction, type PgPool } from './pg-database.ts';

/** Rows looked at per eviction round. */
const EVICT_BATCH = 64;

export class PgResponseCacheStore implements ResponseCacheStoreContract {
  readonly #pool: PgPool;
  readonly #maxBytes: number;
  /** Keys hit since the last flush, in the order of their latest hit. */
  #pending = new Set<string>();

  constructor(pool: PgPool, maxBytes: number) {
    this.#pool = pool;
    this.#maxBytes = maxBytes;
  }

  get maxBytes(): number {
    return this.#maxBytes;
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    const { rows } = await this.#pool.query<CacheEntry>(
      'SELECT key, category, target, kind, body, created_at AS "createdAt", expires_at AS "expiresAt" FROM response_cache WHERE key = $1',
      [key],
    );
    return rows[0];
  }

  touch(key: string): void {
    this.#pending.delete(key);
    this.#pending.add(key);
    if (this.#pending.size >= MAX_PENDING_TOUCHES) runDetached('response cache hits write', () => this.flush());
  }

  async put(entry: CacheEntry, now: number): Promise<boolean> {
    const bytes = sizeOf(entry);
    if (bytes > this.#maxBytes) return false;
    await this.flush();
    await this.#locked(async (client) => {
      await client.query(
        `INSERT INTO response_cache (key, category, target, kind, body, bytes, created_at, expires_at, used, hits)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, nextval('response_cache_recency'), 0)
         ON CONFLICT (key) DO UPDATE SET category = excluded.category, target = excluded.target, kind = excluded.kind, body = excluded.body,
           bytes = excluded.bytes, created_at = excluded.created_at, expires_at = excluded.expires_at, used = excluded.used, hits = 0`,
        [entry.key, entry.category, entry.target, entry.kind, entry.body, bytes, entry.createdAt, entry.expiresAt],
      );
      await this.#evict(client, now);
    });
    return true;
  }

  async remove(key: string): Promise<void> {
    this.#pending.delete(key);
    await this.#locked((client) => client.query('DELETE FROM response_cache WHERE key = $1', [key]));
  }

  async clear(category?: string): Promise<number> {
    this.#pending.clear();
    const result = await this.#locked((client) =>
      category === undefined ? client.query('DELETE FROM response_cache') : client.query('DELETE FROM response_cache WHERE category = $1', [category]),
    );
    return result.rowCount ?? 0;
  }

  async stats(): Promise<CacheStoreStats> {
    const [byCategory, totals] = await Promise.all([
      this.#pool.query<{ category: string; entries: number; bytes: number }>('SELECT category, COUNT(*) AS entries, SUM(bytes) AS bytes FROM response_cache GROUP BY category ORDER BY category'),
      this.#pool.query<{ bytes: number }>('SELECT bytes FROM response_cache_totals'),
    ]);
    const rows = byCategory.rows;
    return {
      entries: rows.reduce((n, r) => n + r.entries, 0),
      bytes: totals.rows[0].bytes,
      max_bytes: this.#maxBytes,
      categories: Object.fromEntries(rows.map((r) => [r.category, { entries: r.entries, bytes: r.bytes }])),
    };
  }

  /** Writes the queued hits: each key's recency from the shared sequence, in the order they were hit. */
  async flush(): Promise<void> {
    if (this.#pending.size === 0) return;
    const keys = [...this.#pending];
    this.#pending = new Set();
    // Under the writers' lock too: an UPDATE and an eviction's DELETE taking the same rows in different orders could deadlock.
    await this.#locked((client) => client.query(
      `UPDATE response_cache AS c SET used = h.used, hits = c.hits + 1
         FROM (SELECT key, nextval('response_cache_recency') AS used FROM unnest($1::text[]) WITH ORDINALITY AS k(key, n) ORDER BY n) AS h
        WHERE c.key = h.key`,
      [keys],
    ));
  }

  /** Deletes expired entries, then the least recently used until the total fits; inside the caller's lock. */
  async #evict(client: pg.PoolClient, now: number): Promise<void> {
    await client.query('DELETE FROM response_cache WHERE expires_at <= $1', [now]);
    let total = (await client.query<{ bytes: number }>('SELECT bytes FROM response_cache_totals')).rows[0].bytes;
    while (total > this.#maxBytes) {
      const { rows } = await client.query<{ key: string; bytes: number }>('SELECT key, bytes FROM response_cache ORDER BY used LIMIT $1', [EVICT_BATCH]);
      if (rows.length === 0) break;
      const victims: string[] = [];
      for (const row of rows) {
        if (total <= this.#maxBytes) break;
        victims.push(row.key);
        total -= row.bytes;
      }
      await client.query('DELETE FROM response_cache WHERE key = ANY($1::text[])', [victims]);
    }
  }

  /** Runs fn in a transaction that holds the totals row first (the one lock every cache writer takes, in the same order). */
  #locked<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.#pool, async (client) => {
      await client.query('SELECT bytes FROM response_cache_totals FOR UPDATE');
      return fn(client);
    });
  }
}
