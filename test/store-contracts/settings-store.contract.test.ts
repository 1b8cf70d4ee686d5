// The settings store on SQLite and on PostgreSQL: the same answers, an audit row per change; and
// on PostgreSQL a change made by one replica is read by another once the change feed tells it.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../service/store/database.ts';
import { SettingsStore } from '../../service/store/settings-store.ts';
import { CategoryStore } from '../../service/store/category-store.ts';
import { createPgPool, migratePostgres, type PgPool } from '../../service/store/postgres/pg-database.ts';
import { PgSettingsStore } from '../../service/store/postgres/pg-settings-store.ts';
import { PgChangeFeed } from '../../service/store/postgres/pg-change-feed.ts';
import { usePostgresServer } from '../support/postgres-server.ts';
import { until } from '../support/until.ts';

const { server, cleanups } = usePostgresServer();

interface OpenSettings {
  store: { get<T>(key: string): T | undefined; set(key: string, value: unknown, route: string): void | Promise<void> };
  audit(): Promise<Array<{ route: string; old_value: unknown; new_value: unknown }>>;
}

async function pgDatabase(): Promise<{ url: string; pool: PgPool }> {
  const url = await server().createDatabase();
  const pool = createPgPool(url);
  cleanups.push(() => pool.end());
  await migratePostgres(pool);
  return { url, pool };
}

const backends: Array<[string, () => Promise<OpenSettings>]> = [
  [
    'SQLite',
    async () => {
      const db = openDatabase(':memory:');
      cleanups.push(() => db.close());
      return { store: new SettingsStore(db), audit: async () => new CategoryStore(db).auditTrail().reverse() };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const { pool } = await pgDatabase();
      const audit = async () =>
        (await pool.query('SELECT route, old_value, new_value FROM config_audit ORDER BY id')).rows.map((r) => ({
          route: r.route,
          old_value: r.old_value === null ? null : JSON.parse(r.old_value),
          new_value: r.new_value === null ? null : JSON.parse(r.new_value),
        }));
      return { store: await PgSettingsStore.open(pool), audit };
    },
  ],
];

describe.each(backends)('settings store contract: %s', (_name, open) => {
  it('keeps each key as JSON and leaves an audit row per change', async () => {
    const { store, audit } = await open();
    expect(store.get('aliases')).toBeUndefined();
    await store.set('aliases', { fast: 'p/m' }, 'POST /config/aliases');
    await store.set('aliases', { fast: 'q/n' }, 'POST /config/aliases');
    expect(store.get('aliases')).toEqual({ fast: 'q/n' });
    expect((await audit()).map((a) => ({ route: a.route, old_value: a.old_value, new_value: a.new_value }))).toEqual([
      { route: 'POST /config/aliases', old_value: null, new_value: { fast: 'p/m' } },
      { route: 'POST /config/aliases', old_value: { fast: 'p/m' }, new_value: { fast: 'q/n' } },
    ]);
  });
});

describe('PostgreSQL settings across replicas', () => {
  it('a setting changed on one replica is read on the other once the change feed tells it', async () => {
    const { url, pool } = await pgDatabase();
    const replicas = [];
    for (let i = 0; i < 2; i++) {
      let store: PgSettingsStore | undefined;
      const feed = new PgChangeFeed({ url, resyncMs: 0, onChange: () => void store?.refresh().catch(() => {}) });
      await feed.start();
      cleanups.push(() => feed.stop());
      store = await PgSettingsStore.open(pool, feed);
      replicas.push(store);
    }
    const [a, b] = replicas;
    await a.set('classifier', { mode: 'hybrid' }, 'POST /config/classifier');
    await until(() => b.get<{ mode: string }>('classifier')?.mode === 'hybrid');
    await b.set('classifier', { mode: 'keyword' }, 'POST /config/classifier');
    await until(() => a.get<{ mode: string }>('classifier')?.mode === 'keyword');
  });
});
