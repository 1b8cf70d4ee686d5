// Operator settings (aliases, classifier, groups) on PostgreSQL, for replicas that share them.
// The request path reads settings synchronously, so each replica keeps them in memory: loaded at
// start, re-read when the change feed says another replica changed them (and on its periodic
// re-read). A change is written with its audit row and its NOTIFY in one transaction; the memory
// copy changes only once PostgreSQL has it, so a replica never serves a setting that was not stored.
// Not wired into the gateway yet (ROUTER_DATABASE_URL is refused): the seam for issue 18's config.
import { inTransaction, type PgPool } from './pg-database.ts';
import type { PgChangeFeed } from './pg-change-feed.ts';

export const SETTINGS_TOPIC = 'settings';

export class PgSettingsStore {
  readonly #pool: PgPool;
  readonly #feed: PgChangeFeed | undefined;
  #values = new Map<string, string>();
  /** Writes made here; a re-read that overlapped one is read again, so it cannot put back an older value. */
  #writes = 0;

  private constructor(pool: PgPool, feed: PgChangeFeed | undefined) {
    this.#pool = pool;
    this.#feed = feed;
  }

  /** Opens the store with every setting read. */
  static async open(pool: PgPool, feed?: PgChangeFeed): Promise<PgSettingsStore> {
    const store = new PgSettingsStore(pool, feed);
    await store.refresh();
    return store;
  }

  get<T>(key: string): T | undefined {
    const json = this.#values.get(key);
    return json === undefined ? undefined : (JSON.parse(json) as T);
  }

  async set(key: string, value: unknown, route: string): Promise<void> {
    const json = JSON.stringify(value);
    await inTransaction(this.#pool, async (client) => {
      // FOR UPDATE: two replicas changing one key write their audit rows in the order they wrote the value.
      const old = await client.query<{ value: string }>('SELECT value FROM settings WHERE key = $1 FOR UPDATE', [key]);
      const now = Date.now();
      await client.query('INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at', [key, json, now]);
      await client.query('INSERT INTO config_audit (ts, route, old_value, new_value) VALUES ($1, $2, $3, $4)', [now, route, old.rows[0]?.value ?? null, json]);
      await this.#feed?.notify(client, SETTINGS_TOPIC);
    });
    this.#writes++;
    this.#values.set(key, json);
  }

  /** Re-reads every setting (another replica changed one); the memory copy is swapped whole. */
  async refresh(): Promise<void> {
    for (let tries = 0; tries < 3; tries++) {
      const writes = this.#writes;
      const { rows } = await this.#pool.query<{ key: string; value: string }>('SELECT key, value FROM settings');
      if (writes !== this.#writes) continue;
      this.#values = new Map(rows.map((r) => [r.key, r.value]));
      return;
    }
  }
}
