// Stored responses (previous_response_id) on SQLite and on PostgreSQL: what was stored comes back
// until it expires; expired rows are swept; and on PostgreSQL another replica (its own pool) reads
// what this one stored.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../service/store/database.ts';
import { ResponseStore } from '../../service/store/response-store.ts';
import type { ResponseStoreContract } from '../../service/store/response-store-contract.ts';
import { createPgPool, migratePostgres } from '../../service/store/postgres/pg-database.ts';
import { PgResponseStore } from '../../service/store/postgres/pg-response-store.ts';
import { usePostgresServer } from '../support/postgres-server.ts';

const { server, cleanups } = usePostgresServer();

interface Opened {
  store: ResponseStoreContract;
  rows(): Promise<number>;
}

async function pgUrl(): Promise<string> {
  const url = await server().createDatabase();
  const pool = createPgPool(url);
  cleanups.push(() => pool.end());
  await migratePostgres(pool);
  return url;
}

function pgStore(url: string, ttlMs: number): Opened {
  const pool = createPgPool(url);
  cleanups.push(() => pool.end());
  return { store: new PgResponseStore(pool, ttlMs), rows: async () => (await pool.query('SELECT COUNT(*) AS n FROM stored_responses')).rows[0].n };
}

const backends: Array<[string, (ttlMs: number) => Promise<Opened>]> = [
  [
    'SQLite',
    async (ttlMs) => {
      const db = openDatabase(':memory:');
      cleanups.push(() => db.close());
      return { store: new ResponseStore(db, ttlMs), rows: async () => (db.prepare('SELECT COUNT(*) AS n FROM stored_responses').get() as { n: number }).n };
    },
  ],
  ['PostgreSQL', async (ttlMs) => pgStore(await pgUrl(), ttlMs)],
];

const items = [{ type: 'message', role: 'user', content: 'hi \u0000 there' }, { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'hello' }] }];

describe.each(backends)('response store contract: %s', (_name, open) => {
  it('gives back what was stored until it expires, and a save replaces', async () => {
    const { store } = await open(1000);
    await store.save('resp_1', items, 10_000);
    expect(await store.load('resp_1', 10_500)).toEqual(items);
    expect(await store.load('resp_1', 11_001)).toBeUndefined();
    expect(await store.load('resp_unknown', 10_500)).toBeUndefined();
    await store.save('resp_1', items.slice(0, 1), 20_000);
    expect(await store.load('resp_1', 20_999)).toEqual(items.slice(0, 1));
  });

  it('sweeps expired rows as it saves, so the table holds about its live window', async () => {
    const { store, rows } = await open(1000);
    await store.save('old', items, 0);
    for (let i = 1; i < 100; i++) await store.save(`r${i}`, items, 5000 + i);
    expect(await store.load('old', 500)).toEqual(items);
    expect(await rows()).toBe(100);
    await store.save('late', items, 100_000);
    expect(await rows()).toBe(1);
  });
});

describe('PostgreSQL stored responses across replicas', () => {
  it('a response stored through one pool is loaded through another', async () => {
    const url = await pgUrl();
    const a = pgStore(url, 60_000);
    const b = pgStore(url, 60_000);
    await a.store.save('resp_a', items);
    expect(await b.store.load('resp_a')).toEqual(items);
  });
});
