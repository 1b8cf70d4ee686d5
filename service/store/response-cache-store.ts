// The response cache's rows: one answer per key, bounded by total size (least recently hit goes
// first) and by each entry's expiry. Recency is a sequence number, not a clock, so two entries
// written in the same millisecond still have an order. Hits only bump it in memory; the numbers
// reach SQLite before anything is evicted, so a hit costs no write.
import type { Db } from './database.ts';
import type { ResponseCacheStoreContract } from './response-cache-store-contract.ts';

export type StoredKind = 'chunks' | 'completion';

export interface CacheEntry {
  key: string;
  category: string;
  /** The `provider/model` that gave the answer. */
  target: string;
  kind: StoredKind;
  /** `chunks`: a JSON array of each chunk's JSON text; `completion`: the completion's JSON text. */
  body: string;
  createdAt: number;
  expiresAt: number;
}

export interface CacheStoreStats {
  entries: number;
  bytes: number;
  max_bytes: number;
  categories: Record<string, { entries: number; bytes: number }>;
}

/** Flush queued hits once this many are waiting, so the queue stays small between writes. */
export const MAX_PENDING_TOUCHES = 1000;

export class ResponseCacheStore implements ResponseCacheStoreContract {
  readonly #db: Db;
  readonly #maxBytes: number;
  readonly #get;
  readonly #put;
  readonly #touch;
  readonly #delete;
  #bytes: number;
  #seq: number;
  #pending = new Map<string, number>();

  constructor(db: Db, maxBytes: number) {
    this.#db = db;
    this.#maxBytes = maxBytes;
    this.#get = db.prepare('SELECT key, category, target, kind, body, created_at AS createdAt, expires_at AS expiresAt FROM response_cache WHERE key = ?');
    this.#put = db.prepare(
      'INSERT OR REPLACE INTO response_cache (key, category, target, kind, body, bytes, created_at, expires_at, used, hits) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)',
    );
    this.#touch = db.prepare('UPDATE response_cache SET used = ?, hits = hits + 1 WHERE key = ?');
    this.#delete = db.prepare('DELETE FROM response_cache WHERE key = ?');
    const totals = db.prepare('SELECT COALESCE(SUM(bytes), 0) AS bytes, COALESCE(MAX(used), 0) AS seq FROM response_cache').get() as { bytes: number; seq: number };
    this.#bytes = totals.bytes;
    this.#seq = totals.seq;
  }

  get maxBytes(): number {
    return this.#maxBytes;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get(key: string): CacheEntry | undefined {
    return this.#get.get(key) as CacheEntry | undefined;
  }

  /** Counts a hit: the entry becomes the most recently used. */
  touch(key: string): void {
    this.#pending.set(key, ++this.#seq);
    if (this.#pending.size >= MAX_PENDING_TOUCHES) this.flush();
  }

  /** Stores an entry, then evicts expired and least recently hit entries until the total fits. False when it can never fit. */
  put(entry: CacheEntry, now: number): boolean {
    const bytes = sizeOf(entry);
    if (bytes > this.#maxBytes) return false;
    this.flush();
    this.#db.transaction(() => {
      const old = this.#db.prepare('SELECT bytes FROM response_cache WHERE key = ?').get(entry.key) as { bytes: number } | undefined;
      this.#put.run(entry.key, entry.category, entry.target, entry.kind, entry.body, bytes, entry.createdAt, entry.expiresAt, ++this.#seq);
      this.#bytes += bytes - (old?.bytes ?? 0);
      this.#evict(now);
    })();
    return true;
  }

  remove(key: string): void {
    this.#pending.delete(key);
    const old = this.#db.prepare('SELECT bytes FROM response_cache WHERE key = ?').get(key) as { bytes: number } | undefined;
    if (!old) return;
    this.#delete.run(key);
    this.#bytes -= old.bytes;
  }

  /** Removes every entry, or those of one category; returns how many. */
  clear(category?: string): number {
    this.#pending.clear();
    const removed = category === undefined ? this.#db.prepare('DELETE FROM response_cache').run() : this.#db.prepare('DELETE FROM response_cache WHERE category = ?').run(category);
    this.#recount();
    return removed.changes;
  }

  stats(): CacheStoreStats {
    const rows = this.#db.prepare('SELECT category, COUNT(*) AS entries, SUM(bytes) AS bytes FROM response_cache GROUP BY category ORDER BY category').all() as Array<{
      category: string;
      entries: number;
      bytes: number;
    }>;
    return {
      entries: rows.reduce((n, r) => n + r.entries, 0),
      bytes: this.#bytes,
      max_bytes: this.#maxBytes,
      categories: Object.fromEntries(rows.map((r) => [r.category, { entries: r.entries, bytes: r.bytes }])),
    };
  }

  /** Writes the queued hits. */
  flush(): void {
    if (this.#pending.size === 0) return;
    const pending = this.#pending;
    this.#pending = new Map();
    this.#db.transaction(() => {
      for (const [key, seq] of pending) this.#touch.run(seq, key);
    })();
  }

  #evict(now: number): void {
    const expired = this.#db.prepare('DELETE FROM response_cache WHERE expires_at <= ?').run(now);
    if (expired.changes > 0) this.#recount();
    const oldest = this.#db.prepare('SELECT key, bytes FROM response_cache ORDER BY used LIMIT 64');
    while (this.#bytes > this.#maxBytes) {
      const rows = oldest.all() as Array<{ key: string; bytes: number }>;
      if (rows.length === 0) break;
      for (const row of rows) {
        if (this.#bytes <= this.#maxBytes) break;
        this.#delete.run(row.key);
        this.#bytes -= row.bytes;
      }
    }
  }

  #recount(): void {
    this.#bytes = (this.#db.prepare('SELECT COALESCE(SUM(bytes), 0) AS bytes FROM response_cache').get() as { bytes: number }).bytes;
  }
}

/** What an entry counts against the limit: its key and body (UTF-8 bytes) plus a small row overhead. */
export function sizeOf(entry: Pick<CacheEntry, 'key' | 'body' | 'category' | 'target'>): number {
  return Buffer.byteLength(entry.body) + entry.key.length + entry.category.length + entry.target.length + 64;
}

