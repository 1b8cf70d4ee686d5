// Categories and the configuration audit on PostgreSQL, for replicas that share them. The request
// path reads categories synchronously, so each replica keeps them (and, per name, the latest audit
// row that touched one) in memory: loaded at open, re-read when the change feed says another
// replica changed them. A write goes with its audit row and its NOTIFY in one transaction, and the
// memory copy changes only after COMMIT, so a replica never serves a category that was not stored.
import type pg from 'pg';
import type { AuditEntry, StoredCategory } from '../category-store.ts';
import type { CategoryChange, CategoryStoreContract } from '../category-store-contract.ts';
import { inTransaction, type PgPool } from './pg-database.ts';
import type { PgChangeFeed } from './pg-change-feed.ts';

export const CATEGORIES_TOPIC = 'categories';

/** Held for the seeding transaction: two replicas starting on an empty store seed once. */
const SEED_LOCK_KEY = 7_318_004_119;

interface Snapshot {
  list: StoredCategory[];
  changes: Map<string, CategoryChange>;
}

export class PgCategoryStore implements CategoryStoreContract {
  readonly #pool: PgPool;
  readonly #feed: PgChangeFeed | undefined;
  #snapshot: Snapshot = { list: [], changes: new Map() };
  /** Writes made here; a re-read that overlapped one is read again, so it cannot put back an older copy. */
  #writes = 0;

  private constructor(pool: PgPool, feed: PgChangeFeed | undefined) {
    this.#pool = pool;
    this.#feed = feed;
  }

  /** Opens the store with every category read. */
  static async open(pool: PgPool, feed?: PgChangeFeed): Promise<PgCategoryStore> {
    const store = new PgCategoryStore(pool, feed);
    await store.refresh();
    return store;
  }

  async seedIfEmpty(seeds: StoredCategory[]): Promise<boolean> {
    const seeded = await this.#write(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
      const { rows } = await client.query<{ used: boolean }>('SELECT EXISTS (SELECT 1 FROM categories) AS used');
      if (rows[0].used) return false;
      for (const [i, category] of seeds.entries()) await put(client, category, i, Date.now());
      return true;
    });
    // Seeds leave no audit row (as on SQLite); whoever seeded, this replica reads the result.
    await this.refresh();
    return seeded;
  }

  list(): StoredCategory[] {
    return this.#snapshot.list;
  }

  async save(category: StoredCategory, route: string): Promise<void> {
    await this.saveAll([category], route);
  }

  async saveAll(categories: StoredCategory[], route: string): Promise<void> {
    if (categories.length === 0) return;
    const now = Date.now();
    await this.#write(async (client) => {
      for (const category of categories) {
        // FOR UPDATE: two replicas saving one category write their audit rows in the order they wrote it.
        const { rows } = await client.query<{ definition: string; position: number }>('SELECT definition, position FROM categories WHERE name = $1 FOR UPDATE', [category.name]);
        const old = rows[0];
        const position = old?.position ?? (await nextPosition(client));
        await put(client, category, position, now);
        await audit(client, now, route, old?.definition ?? null, JSON.stringify(category));
      }
    });
    // Committed: the memory copy follows (a replaced category keeps its place, a new one goes last).
    const list = [...this.#snapshot.list];
    const changes = new Map(this.#snapshot.changes);
    for (const category of categories) {
      const copy = structuredClone(category);
      const at = list.findIndex((c) => c.name === category.name);
      if (at === -1) list.push(copy);
      else list[at] = copy;
      changes.set(category.name, { ts: now, route, deleted: false });
    }
    this.#snapshot = { list, changes };
  }

  async delete(name: string, route: string): Promise<boolean> {
    const now = Date.now();
    const deleted = await this.#write(async (client) => {
      const { rows } = await client.query<{ definition: string }>('DELETE FROM categories WHERE name = $1 RETURNING definition', [name]);
      if (rows.length === 0) return false;
      await audit(client, now, route, rows[0].definition, null);
      return true;
    });
    if (deleted) {
      const changes = new Map(this.#snapshot.changes).set(name, { ts: now, route, deleted: true });
      this.#snapshot = { list: this.#snapshot.list.filter((c) => c.name !== name), changes };
    }
    return deleted;
  }

  lastChange(name: string): CategoryChange | undefined {
    return this.#snapshot.changes.get(name);
  }

  async auditTrail(limit = 50): Promise<AuditEntry[]> {
    const { rows } = await this.#pool.query<{ id: number; ts: number; route: string; old_value: string | null; new_value: string | null }>(
      'SELECT id, ts, route, old_value, new_value FROM config_audit ORDER BY id DESC LIMIT $1',
      [limit],
    );
    return rows.map((r) => ({ ...r, old_value: r.old_value === null ? null : JSON.parse(r.old_value), new_value: r.new_value === null ? null : JSON.parse(r.new_value) }));
  }

  async recordAudit(route: string, oldValue: unknown, newValue: unknown): Promise<void> {
    await this.#write((client) => audit(client, Date.now(), route, oldValue === null ? null : JSON.stringify(oldValue), newValue === null ? null : JSON.stringify(newValue)), false);
  }

  /** MAX(id) of config_audit: one index probe. Settings changes count too (they write audit rows). */
  async configVersion(): Promise<number> {
    const { rows } = await this.#pool.query<{ id: number }>('SELECT COALESCE(MAX(id), 0) AS id FROM config_audit');
    return rows[0].id;
  }

  /** Re-reads the categories and their latest audit rows (another replica changed them); swapped whole. */
  async refresh(): Promise<void> {
    for (let tries = 0; tries < 3; tries++) {
      const writes = this.#writes;
      const snapshot = await this.#read();
      if (writes !== this.#writes) continue;
      this.#snapshot = snapshot;
      return;
    }
  }

  async #read(): Promise<Snapshot> {
    const [categories, changes] = await Promise.all([
      this.#pool.query<{ definition: string }>('SELECT definition FROM categories ORDER BY position, name'),
      // Every audit row we write holds JSON (or NULL); a category's has its name at the top.
      this.#pool.query<{ name: string; ts: number; route: string; deleted: boolean }>(
        `SELECT DISTINCT ON (name) name, ts, route, deleted FROM (
           SELECT id, ts, route, new_value IS NULL AS deleted,
                  CASE WHEN COALESCE(new_value, old_value) ~ '^\\s*\\{' THEN COALESCE(new_value, old_value)::jsonb ->> 'name' END AS name
             FROM config_audit) AS a
          WHERE name IS NOT NULL ORDER BY name, id DESC`,
      ),
    ]);
    return {
      list: categories.rows.map((r) => JSON.parse(r.definition) as StoredCategory),
      changes: new Map(changes.rows.map((r) => [r.name, { ts: r.ts, route: r.route, deleted: r.deleted }])),
    };
  }

  /** Runs fn in a transaction that announces the change at COMMIT (unless told not to). */
  async #write<T>(fn: (client: pg.PoolClient) => Promise<T>, announce = true): Promise<T> {
    const result = await inTransaction(this.#pool, async (client) => {
      const written = await fn(client);
      if (announce && written !== false) await this.#feed?.notify(client, CATEGORIES_TOPIC);
      return written;
    });
    this.#writes++;
    return result;
  }
}

async function put(client: pg.PoolClient, category: StoredCategory, position: number, now: number): Promise<void> {
  await client.query(
    'INSERT INTO categories (name, position, definition, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO UPDATE SET position = excluded.position, definition = excluded.definition, updated_at = excluded.updated_at',
    [category.name, position, JSON.stringify(category), now],
  );
}

async function nextPosition(client: pg.PoolClient): Promise<number> {
  const { rows } = await client.query<{ p: number }>('SELECT COALESCE(MAX(position), -1) + 1 AS p FROM categories');
  return rows[0].p;
}

async function audit(client: pg.PoolClient, now: number, route: string, oldValue: string | null, newValue: string | null): Promise<void> {
  await client.query('INSERT INTO config_audit (ts, route, old_value, new_value) VALUES ($1, $2, $3, $4)', [now, route, oldValue, newValue]);
}
