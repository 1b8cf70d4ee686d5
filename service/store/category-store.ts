// Categories in SQLite: seeded from categories/ on first start, the source of truth after that.
import type { Db } from './database.ts';

export interface StoredCategory {
  name: string;
  description: string;
  keywords: Array<string | { term?: string; pattern?: string; weight: number }>;
  chain: string[];
}

export class CategoryStore {
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

  delete(name: string, route: string): boolean {
    return this.#db.transaction(() => {
      const old = this.#db.prepare('SELECT definition FROM categories WHERE name = ?').get(name) as { definition: string } | undefined;
      if (!old) return false;
      this.#db.prepare('DELETE FROM categories WHERE name = ?').run(name);
      this.#audit(route, old.definition, null);
      return true;
    })();
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
