// The response cache's figures by hour, category and target, so /metrics sums a few rows instead of
// scanning the request log. Fed by every request-log row as it is queued (in memory, O(1)) and
// written every few seconds, before /metrics reads it, and at close. A write SQLite refuses keeps the
// counts for the next one; a killed process loses at most the last few seconds of counts (the rows
// themselves, with their `cache` and `cost_saved_usd` columns, are the request log's to keep).
import type { Db } from './database.ts';
import type { RequestRecord } from './request-log.ts';

export const HOUR_MS = 3_600_000;
export const FLUSH_EVERY_MS = 5_000;

/** Appended to the cache migration in database.ts. */
export const CACHE_ROLLUP_TABLE = `CREATE TABLE cache_rollup (
     hour INTEGER NOT NULL,
     category TEXT NOT NULL,
     target TEXT NOT NULL,
     hits INTEGER NOT NULL DEFAULT 0,
     misses INTEGER NOT NULL DEFAULT 0,
     bypassed INTEGER NOT NULL DEFAULT 0,
     refreshed INTEGER NOT NULL DEFAULT 0,
     saved_usd REAL NOT NULL DEFAULT 0,
     PRIMARY KEY (hour, category, target)
   ) WITHOUT ROWID;`;

export interface Counts {
  hour: number;
  category: string;
  target: string;
  hits: number;
  misses: number;
  bypassed: number;
  refreshed: number;
  saved: number;
}

export interface CacheMetrics {
  hits: number;
  misses: number;
  bypassed: number;
  refreshed: number;
  /** hits / (hits + misses); null before the first lookup. */
  hit_rate: number | null;
  saved_usd: number;
}

/** The roll-up on either database (postgres/pg-cache-rollup.ts is PostgreSQL's); add() only counts in memory. */
export interface CacheRollupContract {
  readonly writeFailures: number;
  add(r: RequestRecord): void;
  query(windowMs: number | null, now?: number): CacheMetrics | Promise<CacheMetrics>;
  close(): void | Promise<void>;
}

export class CacheRollup implements CacheRollupContract {
  readonly #db: Db;
  readonly #upsert;
  readonly #timer: NodeJS.Timeout;
  #pending = new Map<string, Counts>();
  #writeFailures = 0;

  constructor(db: Db) {
    this.#db = db;
    this.#upsert = db.prepare(
      `INSERT INTO cache_rollup (hour, category, target, hits, misses, bypassed, refreshed, saved_usd) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (hour, category, target) DO UPDATE SET hits = hits + excluded.hits, misses = misses + excluded.misses,
         bypassed = bypassed + excluded.bypassed, refreshed = refreshed + excluded.refreshed, saved_usd = saved_usd + excluded.saved_usd`,
    );
    this.#timer = setInterval(() => this.flush(), FLUSH_EVERY_MS);
    this.#timer.unref();
  }

  get writeFailures(): number {
    return this.#writeFailures;
  }

  /** A request-log row: counted when the cache was involved. */
  add(r: RequestRecord): void {
    countCacheOutcome(this.#pending, r);
  }

  /** Writes the pending counts; on failure they are kept for the next write. Never throws. */
  flush(): void {
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    try {
      this.#db.transaction(() => {
        for (const c of batch.values()) this.#upsert.run(c.hour, c.category, c.target, c.hits, c.misses, c.bypassed, c.refreshed, c.saved);
      })();
    } catch (error) {
      this.#writeFailures++;
      mergeCounts(this.#pending, batch);
      if (this.#writeFailures === 1 || this.#writeFailures % 100 === 0) console.warn(`[router] cache roll-up not written (${this.#writeFailures} so far): ${(error as Error).message}`);
    }
  }

  /** Sums over the window, by whole hours (the hour holding the window's start counts whole). */
  query(windowMs: number | null, now = Date.now()): CacheMetrics {
    this.flush();
    const from = windowMs === null ? 0 : Math.floor((now - windowMs) / HOUR_MS) * HOUR_MS;
    const row = this.#db
      .prepare('SELECT SUM(hits) AS hits, SUM(misses) AS misses, SUM(bypassed) AS bypassed, SUM(refreshed) AS refreshed, SUM(saved_usd) AS saved FROM cache_rollup WHERE hour >= ?')
      .get(from) as Record<'hits' | 'misses' | 'bypassed' | 'refreshed' | 'saved', number | null>;
    return toCacheMetrics(row);
  }

  close(): void {
    clearInterval(this.#timer);
    this.flush();
  }
}

/** Adds one request-log row to the pending counts of its hour, category and target (when the cache was involved). */
export function countCacheOutcome(pending: Map<string, Counts>, r: RequestRecord): void {
  const status = r.cache;
  if (!status) return;
  const hour = Math.floor(r.ts / HOUR_MS) * HOUR_MS;
  const category = r.category ?? '';
  const target = r.target ?? '';
  const key = `${hour}\u0000${category}\u0000${target}`;
  let counts = pending.get(key);
  if (!counts) {
    counts = { hour, category, target, hits: 0, misses: 0, bypassed: 0, refreshed: 0, saved: 0 };
    pending.set(key, counts);
  }
  if (status === 'HIT') counts.hits++;
  else if (status === 'MISS') counts.misses++;
  else if (status === 'BYPASS') counts.bypassed++;
  else if (status === 'REFRESH') counts.refreshed++;
  if (typeof r.costSavedUsd === 'number' && Number.isFinite(r.costSavedUsd)) counts.saved += r.costSavedUsd;
}

/** Puts a failed batch's counts back with whatever was counted meanwhile. */
export function mergeCounts(pending: Map<string, Counts>, batch: Map<string, Counts>): void {
  for (const [key, c] of batch) {
    const later = pending.get(key);
    if (later) for (const k of ['hits', 'misses', 'bypassed', 'refreshed', 'saved'] as const) later[k] += c[k];
    else pending.set(key, c);
  }
}

/** The window's sums as /metrics shows them. */
export function toCacheMetrics(row: Record<'hits' | 'misses' | 'bypassed' | 'refreshed' | 'saved', number | null>): CacheMetrics {
  const hits = row.hits ?? 0;
  const misses = row.misses ?? 0;
  return {
    hits,
    misses,
    bypassed: row.bypassed ?? 0,
    refreshed: row.refreshed ?? 0,
    hit_rate: hits + misses === 0 ? null : Math.round((hits / (hits + misses)) * 10_000) / 10_000,
    saved_usd: Math.round((row.saved ?? 0) * 1e6) / 1e6,
  };
}
