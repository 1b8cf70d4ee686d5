// Categories in SQLite: seeded from categories/ on first start, the source of truth after that.
import type { Db } from './database.ts';
import type { CategoryStoreContract } from './category-store-contract.ts';

export interface StoredCategory {
  name: string;
  description: string;
  keywords: Array<string | { term?: string; pattern?: string; weight: number }>;
  chain: string[];
  cache?: { ttlSeconds: number; toolLoops?: boolean };
}

export interface AuditEntry {
  id: number;
  ts: number;
  route: string;
  old_value: unknown;
  new_value: unknown;
}

export class CategoryStore implements CategoryStoreContract {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Inserts the seeds only when the table is empty; returns whether it seeded. */
  seedIfEmpty(seeds: StoredCategory[]): boolean {
    const { n } = this.#db.prepare('SELECT COUNT(*) AS n FROM categories').get() as { n: number };
    if (n > 0) return false;
    this.#db.transaction(() => seeds.forEach((c, i) => this.#put(c, i)))();
    return true;
  }

  list(): StoredCategory[] {
    const rows = this.#db.prepare('SELECT definition FROM categories ORDER BY position, name').all() as Array<{ definition: string }>;
    return rows.map((r) => JSON.parse(r.definition) as StoredCategory);
  }

  /** Creates or replaces a category and records the change in the audit table, atomically. */
  save(category: StoredCategory, route: string): void {
    this.#db.transaction(() => {
      const old = this.#db.prepare('SELECT definition, position FROM categories WHERE name = ?').get(category.name) as
        | { definition: string; position: number }
        | undefined;
      const position = old?.position ?? this.#nextPosition();
      this.#put(category, position);
      this.#audit(route, old?.definition ?? null, JSON.stringify(category));
    })();
  }

  saveAll(categories: StoredCategory[], route: string): void {
    this.transaction(() => categories.forEach((c) => this.save(c, route)));
  }

  delete(name: string, route: string): boolean {
    return this.#db.transaction(() => {
      const old = this.#db.prepare('SELECT definition FROM categories WHERE name = ?').get(name) as { definition: string } | undefined;
      if (!old) return false;
      this.#db.prepare('DELETE FROM categories WHERE name = ?').run(name);
      this.#audit(route, old.definition, null);
      return true;
    })();
  }

  /** Runs fn in one SQLite transaction (the saves inside become savepoints): all of it is written, or none. */
  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn)();
  }

  /** The latest audit row that touched this category, if any: a reload uses it to tell "deleted over REST" from "never seen". */
  lastChange(name: string): { ts: number; route: string; deleted: boolean } | undefined {
    const row = this.#db
      .prepare(
        `SELECT ts, route, new_value IS NULL AS deleted FROM config_audit
          WHERE json_valid(COALESCE(new_value, old_value)) AND json_extract(COALESCE(new_value, old_value), '$.name') = ?
          ORDER BY id DESC LIMIT 1`,
      )
      .get(name) as { ts: number; route: string; deleted: number } | undefined;
    return row ? { ts: row.ts, route: row.route, deleted: row.deleted === 1 } : undefined;
  }

  /** Newest first. */
  auditTrail(limit = 50): AuditEntry[] {
    const rows = this.#db.prepare('SELECT id, ts, route, old_value, new_value FROM config_audit ORDER BY id DESC LIMIT ?').all(limit) as Array<{
      id: number;
      ts: number;
      route: string;
      old_value: string | null;
      new_value: string | null;
    }>;
    return rows.map((r) => ({ ...r, old_value: r.old_value === null ? null : JSON.parse(r.old_value), new_value: r.new_value === null ? null : JSON.parse(r.new_value) }));
  }

  configVersion(): number {
    return (this.#db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM config_audit').get() as { id: number }).id;
  }

  /** An audit row for a change that is not a category (pricing reloaded from its files). */
  recordAudit(route: string, oldValue: unknown, newValue: unknown): void {
    this.#audit(route, oldValue === null ? null : JSON.stringify(oldValue), newValue === null ? null : JSON.stringify(newValue));
  }

  #put(category: StoredCategory, position: number): void {
    this.#db
      .prepare('INSERT OR REPLACE INTO categories (name, position, definition, updated_at) VALUES (?, ?, ?, ?)')
      .run(category.name, position, JSON.stringify(category), Date.now());
  }

  #nextPosition(): number {
    const { p } = this.#db.prepare('SELECT COALESCE(MAX(position), -1) + 1 AS p FROM categories').get() as { p: number };
    return p;
  }

  #audit(route: string, oldValue: string | null, newValue: string | null): void {
    this.#db.prepare('INSERT INTO config_audit (ts, route, old_value, new_value) VALUES (?, ?, ?, ?)').run(Date.now(), route, oldValue, newValue);
  }
}
