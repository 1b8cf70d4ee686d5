// What the response cache (service/cache) needs from its entries' store, whichever database holds
// them. On PostgreSQL the lookup is a round trip, so get/put/remove/clear/stats are async there and
// the cache awaits them; touch() (a hit) only queues, on both. SQLite (response-cache-store.ts) and
// PostgreSQL (postgres/pg-response-cache-store.ts) implement it, proven by
// test/store-contracts/response-cache-store.contract.test.ts.
import type { CacheEntry, CacheStoreStats } from './response-cache-store.ts';

export interface ResponseCacheStoreContract {
  /** The bound on every stored entry's size together (across replicas on PostgreSQL). */
  readonly maxBytes: number;
  get(key: string): CacheEntry | undefined | Promise<CacheEntry | undefined>;
  /** Counts a hit (the entry becomes the most recently used): queued, no I/O wait, never throws. */
  touch(key: string): void;
  /** Stores an entry, then evicts expired and least recently hit entries until the total fits. False when it can never fit. */
  put(entry: CacheEntry, now: number): boolean | Promise<boolean>;
  remove(key: string): void | Promise<void>;
  /** Removes every entry, or those of one category; returns how many. */
  clear(category?: string): number | Promise<number>;
  stats(): CacheStoreStats | Promise<CacheStoreStats>;
  /** Writes the queued hits. */
  flush(): void | Promise<void>;
}
