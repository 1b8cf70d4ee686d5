// The response cache's hourly roll-up on PostgreSQL: each replica counts its own requests in memory
// (O(1) per request-log row) and adds them to the shared rows every few seconds, before /metrics
// reads, and at close; so /metrics shows every replica's cache figures. A write PostgreSQL refuses
// keeps the counts for the next one; a killed replica loses at most its last few seconds of counts.
import { countCacheOutcome, FLUSH_EVERY_MS, HOUR_MS, mergeCounts, toCacheMetrics, type CacheMetrics, type CacheRollupContract, type Counts } from '../cache-rollup.ts';
import type { RequestRecord } from '../request-log.ts';
import { runDetached } from '../../process/detached-task.ts';
import type { PgPool } from './pg-database.ts';

/** Hour/category/target rows held while PostgreSQL refuses writes; past it new ones are not counted. */
const MAX_PENDING_ROWS = 10_000;

export class PgCacheRollup implements CacheRollupContract {
  readonly #pool: PgPool;
  readonly #timer: NodeJS.Timeout;
  #pending = new Map<string, Counts>();
  #inFlight: Promise<void> | undefined;
  #writeFailures = 0;

  constructor(pool: PgPool) {
    this.#pool = pool;
    this.#timer = setInterval(() => runDetached('cache roll-up flush', () => this.flush()), FLUSH_EVERY_MS);
    this.#timer.unref();
  }

  get writeFailures(): number {
    return this.#writeFailures;
  }

  add(r: RequestRecord): void {
    if (this.#pending.size >= MAX_PENDING_ROWS) return;
    countCacheOutcome(this.#pending, r);
  }

  /** Adds the pending counts to the shared rows; on failure they are kept for the next write. Never rejects. */
  async flush(): Promise<void> {
    while (this.#inFlight) await this.#inFlight;
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    this.#inFlight = this.#write(batch).finally(() => (this.#inFlight = undefined));
    await this.#inFlight;
  }

  async query(windowMs: number | null, now = Date.now()): Promise<CacheMetrics> {
    await this.flush();
    const from = windowMs === null ? 0 : Math.floor((now - windowMs) / HOUR_MS) * HOUR_MS;
    const { rows } = await this.#pool.query<Record<'hits' | 'misses' | 'bypassed' | 'refreshed' | 'saved', number | null>>(
      'SELECT SUM(hits) AS hits, SUM(misses) AS misses, SUM(bypassed) AS bypassed, SUM(refreshed) AS refreshed, SUM(saved_usd) AS saved FROM cache_rollup WHERE hour >= $1',
      [from],
    );
    return toCacheMetrics(rows[0]);
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }

  async #write(batch: Map<string, Counts>): Promise<void> {
    const rows = [...batch.values()];
    const text = (s: string) => s.replaceAll('\u0000', '\uFFFD');
    try {
      await this.#pool.query(
        `INSERT INTO cache_rollup (hour, category, target, hits, misses, bypassed, refreshed, saved_usd)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::float8[])
         ON CONFLICT (hour, category, target) DO UPDATE SET hits = cache_rollup.hits + excluded.hits, misses = cache_rollup.misses + excluded.misses,
           bypassed = cache_rollup.bypassed + excluded.bypassed, refreshed = cache_rollup.refreshed + excluded.refreshed, saved_usd = cache_rollup.saved_usd + excluded.saved_usd`,
        [
          rows.map((c) => c.hour),
          rows.map((c) => text(c.category)),
          rows.map((c) => text(c.target)),
          rows.map((c) => c.hits),
          rows.map((c) => c.misses),
          rows.map((c) => c.bypassed),
          rows.map((c) => c.refreshed),
          rows.map((c) => c.saved),
        ],
      );
    } catch (error) {
      this.#writeFailures++;
      mergeCounts(this.#pending, batch);
      if (this.#writeFailures === 1 || this.#writeFailures % 100 === 0) console.warn(`[router] cache roll-up not written to PostgreSQL (${this.#writeFailures} so far): ${(error as Error).message}`);
    }
  }
}
