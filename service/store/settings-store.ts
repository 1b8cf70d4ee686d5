// Operator settings changed at runtime (e.g. the classifier's), kept as JSON by key so they
// survive a restart; every change leaves an audit row.
import type { Db } from './database.ts';

/** Settings as the gateway uses them, on either database: reads from memory or SQLite (sync), writes awaited. */
export interface SettingsStorage {
  get<T>(key: string): T | undefined;
  /** Writes the value with its audit row; the caller awaits it (PostgreSQL's is async). */
  set(key: string, value: unknown, route: string): void | Promise<void>;
}

export class SettingsStore implements SettingsStorage {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  get<T>(key: string): T | undefined {
    const row = this.#db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  set(key: string, value: unknown, route: string): void {
    this.#db.transaction(() => {
      const old = this.#db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
      const json = JSON.stringify(value);
      this.#db.prepare('INSERT OR REPLACE INTO settings (key, value, updated_at) VALUES (?, ?, ?)').run(key, json, Date.now());
      this.#db.prepare('INSERT INTO config_audit (ts, route, old_value, new_value) VALUES (?, ?, ?, ?)').run(Date.now(), route, old?.value ?? null, json);
    })();
  }
}
