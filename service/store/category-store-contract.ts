// What the gateway needs from a category store, whichever database holds it. Reads are
// synchronous (the request path reads the categories on every request); writes may be async
// (PostgreSQL), so a caller awaits them: awaiting SQLite's plain values costs nothing. SQLite
// (category-store.ts) and PostgreSQL (postgres/pg-category-store.ts) implement it, proven by
// test/store-contracts/category-store.contract.test.ts.
import type { AuditEntry, StoredCategory } from './category-store.ts';

export interface CategoryChange {
  ts: number;
  route: string;
  deleted: boolean;
}

export interface CategoryStoreContract {
  /** Inserts the seeds only when no category is stored; whether this call seeded. */
  seedIfEmpty(seeds: StoredCategory[]): boolean | Promise<boolean>;
  /** Ordered by position, then name. Synchronous: the request path calls it. */
  list(): StoredCategory[];
  /** Creates or replaces one category, with its audit row, atomically. */
  save(category: StoredCategory, route: string): void | Promise<void>;
  /** Several saves in one transaction: all written, or none. */
  saveAll(categories: StoredCategory[], route: string): void | Promise<void>;
  /** Whether there was such a category to delete. */
  delete(name: string, route: string): boolean | Promise<boolean>;
  /** The latest audit row that touched this category (synchronous: a reload reads it while it plans). */
  lastChange(name: string): CategoryChange | undefined;
  /** Newest first. */
  auditTrail(limit?: number): AuditEntry[] | Promise<AuditEntry[]>;
  /** An audit row for a change that is not a category (pricing reloaded from its files). */
  recordAudit(route: string, oldValue: unknown, newValue: unknown): void | Promise<void>;
  /** The newest audit row's id: it grows on every configuration change, so a replica can poll it cheaply. */
  configVersion(): number | Promise<number>;
}
