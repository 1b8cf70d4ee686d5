// The response cache's entries (and its hourly roll-up) on SQLite and on PostgreSQL: the same
// answers, the same size bound and least-recently-hit eviction, expiry honoured; and on PostgreSQL
// the bound holds across replicas writing to one database, and a hit on one replica keeps the entry
// from being the one another replica evicts.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../service/store/database.ts';
import { ResponseCacheStore, sizeOf, type CacheEntry } from '../../service/store/response-cache-store.ts';
import type { ResponseCacheStoreContract } from '../../service/store/response-cache-store-contract.ts';
import { CacheRollup, type CacheRollupContract } from '../../service/store/cache-rollup.ts';
import type { RequestRecord } from '../../service/store/request-log.ts';
import { createPgPool, migratePostgres, type PgPool } from '../../service/store/postgres/pg-database.ts';
import { PgResponseCacheStore } from '../../service/store/postgres/pg-response-cache-store.ts';
import { PgCacheRollup } from '../../service/store/postgres/pg-cache-rollup.ts';
import { usePostgresServer } from '../support/postgres-server.ts';

const { server, cleanups } = usePostgresServer();

async function pgUrl(): Promise<string> {
  const url = await server().createDatabase();
  const pool = pgPool(url);
  await migratePostgres(pool);
  return url;
}

function pgPool(url: string): PgPool {
  const pool = createPgPool(url);
  cleanups.push(() => pool.end());
  return pool;
}

const NOW = 1_000_000;
const entry = (key: string, category = 'code', body = 'x'.repeat(100), expiresAt = NOW + 60_000): CacheEntry => ({
  key, category, target: 'p/m', kind: 'completion', body, createdAt: NOW, expiresAt,
});
const ONE = sizeOf(entry('k0'));

const backends: Array<[string, (maxBytes: number) => Promise<ResponseCacheStoreContract>]> = [
  [
    'SQLite',
    async (maxBytes) => {
      const db = openDatabase(':memory:');
      cleanups.push(() => db.close());
      return new ResponseCacheStore(db, maxBytes);
    },
  ],
  ['PostgreSQL', async (maxBytes) => new PgResponseCacheStore(pgPool(await pgUrl()), maxBytes)],
];

describe.each(backends)('response cache store contract: %s', (_name, open) => {
  it('stores, answers, removes and clears by category, with stats that add up', async () => {
    const store = await open(100 * ONE);
    expect(await store.put(entry('k1'), NOW)).toBe(true);
    expect(await store.put(entry('k2', 'chat'), NOW)).toBe(true);
    expect(await store.put(entry('k3', 'chat'), NOW)).toBe(true);
    expect(await store.get('k1')).toEqual(entry('k1'));
    expect(await store.get('nope')).toBeUndefined();
    expect(await store.stats()).toEqual({ entries: 3, bytes: 3 * ONE, max_bytes: 100 * ONE, categories: { chat: { entries: 2, bytes: 2 * ONE }, code: { entries: 1, bytes: ONE } } });
    await store.remove('k1');
    expect(await store.get('k1')).toBeUndefined();
    expect(await store.clear('chat')).toBe(2);
    expect(await store.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });

  it('keeps the total under maxBytes by evicting expired, then least recently hit entries', async () => {
    const store = await open(3 * ONE);
    expect(await store.put(entry('big', 'code', 'x'.repeat(4 * ONE)), NOW)).toBe(false);
    await store.put(entry('a1'), NOW);
    await store.put(entry('b1'), NOW);
    await store.put(entry('c1'), NOW);
    store.touch('a1');
    await store.put(entry('d1'), NOW);
    expect(await store.get('b1')).toBeUndefined();
    expect((await store.get('a1'))?.key).toBe('a1');
    // Replacing an entry counts its new size, not both.
    await store.put(entry('a1'), NOW);
    expect((await store.stats()).bytes).toBe(3 * ONE);
    // An expired entry goes first, whatever its recency.
    await store.put(entry('sh', 'code', 'x'.repeat(100), NOW + 10), NOW);
    await store.put(entry('e1'), NOW + 20);
    expect(await store.get('sh')).toBeUndefined();
    expect((await store.stats()).bytes).toBeLessThanOrEqual(3 * ONE);
  });
});

describe('PostgreSQL response cache across replicas', () => {
  it('holds one size bound for every replica, and a hit on one keeps the entry from the other’s eviction', async () => {
    const url = await pgUrl();
    const a = new PgResponseCacheStore(pgPool(url), 4 * ONE);
    const b = new PgResponseCacheStore(pgPool(url), 4 * ONE);
    await a.put(entry('a1'), NOW);
    await b.put(entry('b1'), NOW);
    await a.put(entry('a2'), NOW);
    await b.put(entry('b2'), NOW);
    a.touch('a1');
    await a.flush();
    await b.put(entry('b3'), NOW);
    expect(await b.get('b1')).toBeUndefined();
    expect((await b.get('a1'))?.key).toBe('a1');
    // Many puts at once from both replicas: the bound holds, and the trigger's total matches the rows.
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).put(entry(`m${i}`), NOW)));
    const stats = await a.stats();
    expect(stats.bytes).toBeLessThanOrEqual(4 * ONE);
    expect(stats.bytes).toBe(Object.values(stats.categories).reduce((n, c) => n + c.bytes, 0));
    expect(await b.stats()).toEqual(stats);
  });
});

const HOUR = 3_600_000;
const T = 100 * HOUR + 1000;
const record = (cache: string | null, ts: number, saved: number | null = null, target = 'p/m'): RequestRecord =>
  ({ id: String(Math.random()), ts, category: 'code', target, cache, costSavedUsd: saved }) as unknown as RequestRecord;

const rollups: Array<[string, () => Promise<CacheRollupContract[]>]> = [
  [
    'SQLite',
    async () => {
      const db = openDatabase(':memory:');
      const rollup = new CacheRollup(db);
      cleanups.push(() => db.close(), () => rollup.close());
      return [rollup, rollup];
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await pgUrl();
      const replicas = [new PgCacheRollup(pgPool(url)), new PgCacheRollup(pgPool(url))];
      cleanups.push(...replicas.map((r) => () => r.close()));
      return replicas;
    },
  ],
];

describe.each(rollups)('cache roll-up contract: %s', (_name, open) => {
  it('sums every writer’s hits, misses, bypasses, refreshes and savings over whole hours of the window', async () => {
    const [a, b] = await open();
    for (const r of [record('HIT', T, 0.5), record('HIT', T - 3 * HOUR, 0.25), record('MISS', T), record(null, T)]) a.add(r);
    for (const r of [record('BYPASS', T, null, 'q/n'), record('REFRESH', T)]) b.add(r);
    await b.close();
    expect(await a.query(null, T)).toEqual({ hits: 2, misses: 1, bypassed: 1, refreshed: 1, hit_rate: 0.6667, saved_usd: 0.75 });
    expect(await a.query(HOUR, T)).toEqual({ hits: 1, misses: 1, bypassed: 1, refreshed: 1, hit_rate: 0.5, saved_usd: 0.5 });
    a.add(record('HIT', T, 0.5));
    expect((await a.query(HOUR, T)).hits).toBe(2);
  });
});
