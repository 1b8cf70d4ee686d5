// LISTEN/NOTIFY between replicas: a change announced by one reaches the others (not itself), only
// once committed; a replica whose connection drops listens again and re-reads everything.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPgPool, type PgPool } from '../../service/store/postgres/pg-database.ts';
import { EVERYTHING, PgChangeFeed } from '../../service/store/postgres/pg-change-feed.ts';
import { startPostgres, type PostgresServer } from '../support/postgres-server.ts';
import { until } from '../support/until.ts';

let server: PostgresServer;
let url: string;
let pool: PgPool;
const feeds: PgChangeFeed[] = [];
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.close());
beforeEach(async () => {
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  url = await server.createDatabase();
  pool = createPgPool(url);
});
afterEach(async () => {
  await Promise.all(feeds.splice(0).map((f) => f.stop()));
  await pool.end();
  vi.restoreAllMocks();
});

async function replica(resyncMs = 0): Promise<{ feed: PgChangeFeed; seen: string[] }> {
  const seen: string[] = [];
  const feed = new PgChangeFeed({ url, resyncMs, onChange: (topic) => seen.push(topic) });
  feeds.push(feed);
  await feed.start();
  return { feed, seen };
}

describe('PostgreSQL config change feed', () => {
  it('tells the other replicas of a committed change, and not the one that made it', async () => {
    const a = await replica();
    const b = await replica();
    const c = await replica();
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await a.feed.notify(client, 'categories');
      // Not before the commit: a rolled-back change is never announced.
      await new Promise((r) => setTimeout(r, 100));
      expect(b.seen).toEqual([]);
      await client.query('COMMIT');
      await client.query('BEGIN');
      await a.feed.notify(client, 'settings');
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    await until(() => b.seen.length > 0 && c.seen.length > 0);
    await a.feed.notify(pool, 'aliases');
    await until(() => b.seen.length === 2 && c.seen.length === 2);
    expect(b.seen).toEqual(['categories', 'aliases']);
    expect(c.seen).toEqual(['categories', 'aliases']);
    expect(a.seen).toEqual([]);
  });

  it('listens again after its connection is cut, re-reading everything it may have missed', async () => {
    const a = await replica();
    const b = await replica();
    await pool.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()");
    await until(() => b.seen.includes(EVERYTHING), 10_000);
    await a.feed.notify(pool, 'categories');
    await until(() => b.seen.includes('categories'), 10_000);
  });

  it('re-reads everything periodically, the safety net for a notification lost any other way', async () => {
    const a = await replica(50);
    await until(() => a.seen.filter((t) => t === EVERYTHING).length >= 2);
  });
});
