// The category store on SQLite and on PostgreSQL: the same answers for the same calls (seeding,
// saves, deletes, the audit trail and the config version); and on PostgreSQL, replicas that seed
// together seed once, and a change on one is read on the other once the change feed tells it.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../service/store/database.ts';
import { CategoryStore, type StoredCategory } from '../../service/store/category-store.ts';
import type { CategoryStoreContract } from '../../service/store/category-store-contract.ts';
import { createPgPool, migratePostgres, type PgPool } from '../../service/store/postgres/pg-database.ts';
import { PgCategoryStore, CATEGORIES_TOPIC } from '../../service/store/postgres/pg-category-store.ts';
import { PgChangeFeed } from '../../service/store/postgres/pg-change-feed.ts';
import { usePostgresServer } from '../support/postgres-server.ts';
import { until } from '../support/until.ts';

const { server, cleanups } = usePostgresServer();

async function pgDatabase(): Promise<{ url: string; pool: PgPool }> {
  const url = await server().createDatabase();
  const pool = createPgPool(url);
  cleanups.push(() => pool.end());
  await migratePostgres(pool);
  return { url, pool };
}

const backends: Array<[string, () => Promise<CategoryStoreContract>]> = [
  [
    'SQLite',
    async () => {
      const db = openDatabase(':memory:');
      cleanups.push(() => db.close());
      return new CategoryStore(db);
    },
  ],
  ['PostgreSQL', async () => PgCategoryStore.open((await pgDatabase()).pool)],
];

const code: StoredCategory = { name: 'code', description: 'code', keywords: ['function', { pattern: 'def\\s', weight: 2 }], chain: ['p/m'] };
const chat: StoredCategory = { name: 'chat', description: 'chat', keywords: [], chain: ['q/n', 'p/m'], cache: { ttlSeconds: 60 } };

describe.each(backends)('category store contract: %s', (_name, open) => {
  it('seeds once, then keeps saves in place and new categories last, each with an audit row', async () => {
    const store = await open();
    expect(await store.configVersion()).toBe(0);
    expect(await store.seedIfEmpty([code, chat])).toBe(true);
    expect(await store.seedIfEmpty([chat])).toBe(false);
    expect(store.list()).toEqual([code, chat]);
    expect(store.lastChange('code')).toBeUndefined();

    await store.save({ ...code, chain: ['z/z'] }, 'POST /config/category');
    await store.save({ name: 'math', description: 'math', keywords: [], chain: ['p/m'] }, 'POST /config/category');
    expect(store.list().map((c) => [c.name, c.chain[0]])).toEqual([['code', 'z/z'], ['chat', 'q/n'], ['math', 'p/m']]);
    expect(store.lastChange('code')).toMatchObject({ route: 'POST /config/category', deleted: false });

    expect(await store.delete('chat', 'DELETE /config/category/chat')).toBe(true);
    expect(await store.delete('chat', 'DELETE /config/category/chat')).toBe(false);
    expect(store.list().map((c) => c.name)).toEqual(['code', 'math']);
    expect(store.lastChange('chat')).toMatchObject({ route: 'DELETE /config/category/chat', deleted: true });

    await store.recordAudit('POST /config/reload', { pricing: { a: 1 } }, { pricing: { a: 2 } });
    const trail = await store.auditTrail(10);
    expect(trail.map((a) => [a.route, (a.old_value as { name?: string } | null)?.name ?? null, (a.new_value as { name?: string } | null)?.name ?? null])).toEqual([
      ['POST /config/reload', null, null],
      ['DELETE /config/category/chat', 'chat', null],
      ['POST /config/category', null, 'math'],
      ['POST /config/category', 'code', 'code'],
    ]);
    expect(await store.configVersion()).toBe(trail[0].id);
    expect((await store.auditTrail(1)).map((a) => a.route)).toEqual(['POST /config/reload']);
  });

  it('saveAll writes every category or, when one fails, none', async () => {
    const store = await open();
    await store.seedIfEmpty([code]);
    await store.saveAll([chat, { ...code, chain: ['x/y'] }], 'POST /config/reload');
    expect(store.list().map((c) => [c.name, c.chain[0]])).toEqual([['code', 'x/y'], ['chat', 'q/n']]);
    const before = await store.configVersion();
    // A value JSON cannot hold: the second save fails after the first was written in the transaction.
    const broken = { name: 'broken', description: '', keywords: [], chain: [], extra: 1n } as unknown as StoredCategory;
    await expect(async () => store.saveAll([{ ...chat, chain: ['new/one'] }, broken], 'POST /config/reload')).rejects.toThrow();
    expect(store.list().map((c) => [c.name, c.chain[0]])).toEqual([['code', 'x/y'], ['chat', 'q/n']]);
    expect(await store.configVersion()).toBe(before);
  });
});

describe('PostgreSQL categories across replicas', () => {
  it('two replicas seeding an empty store at once seed it once', async () => {
    const { url, pool } = await pgDatabase();
    const other = createPgPool(url);
    cleanups.push(() => other.end());
    const [a, b] = await Promise.all([PgCategoryStore.open(pool), PgCategoryStore.open(other)]);
    const seeded = await Promise.all([a.seedIfEmpty([code, chat]), b.seedIfEmpty([chat, code])]);
    expect(seeded.filter(Boolean)).toHaveLength(1);
    expect((await pool.query('SELECT COUNT(*) AS n FROM categories')).rows[0].n).toBe(2);
    expect(a.list()).toEqual(b.list());
  });

  it('a category saved or deleted on one replica is read on the other once the change feed tells it', async () => {
    const { url } = await pgDatabase();
    const replicas: PgCategoryStore[] = [];
    for (let i = 0; i < 2; i++) {
      const pool = createPgPool(url);
      cleanups.push(() => pool.end());
      let store: PgCategoryStore | undefined;
      const feed = new PgChangeFeed({ url, resyncMs: 0, onChange: (topic) => void (topic === CATEGORIES_TOPIC && store?.refresh().catch(() => {})) });
      await feed.start();
      cleanups.push(() => feed.stop());
      store = await PgCategoryStore.open(pool, feed);
      replicas.push(store);
    }
    const [a, b] = replicas;
    await a.seedIfEmpty([code]);
    await until(() => b.list().length === 1);
    await a.save({ ...code, chain: ['edited/on-a'] }, 'POST /config/category');
    await until(() => b.list()[0]?.chain[0] === 'edited/on-a');
    expect(b.lastChange('code')).toMatchObject({ route: 'POST /config/category', deleted: false });
    await b.delete('code', 'DELETE /config/category/code');
    await until(() => a.list().length === 0);
    expect(a.lastChange('code')?.deleted).toBe(true);
    expect(await a.configVersion()).toBe(await b.configVersion());
  });
});
