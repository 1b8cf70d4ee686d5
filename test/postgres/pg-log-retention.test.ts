// ROUTER_LOG_RETENTION_DAYS and ROUTER_LOG_MAX_ROWS on PostgreSQL: the same bounds as on SQLite
// (service/store/log-retention.test.ts), in batches, and one replica pruning at a time.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool, migratePostgres, type PgPool } from '../../service/store/postgres/pg-database.ts';
import { PgLogRetention } from '../../service/store/postgres/pg-log-retention.ts';
import { PgRequestLog } from '../../service/store/postgres/pg-request-log.ts';
import { HOUR_MS, MINUTE_MS } from '../../service/store/request-rollup.ts';
import type { RequestRecord } from '../../service/store/request-log.ts';
import { startPostgres, type PostgresServer } from '../support/postgres-server.ts';

const DAY = 24 * HOUR_MS;
const NOW = Date.UTC(2026, 10, 28, 12);

let server: PostgresServer;
let pool: PgPool;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.close());
afterEach(() => pool?.end());

async function freshPool(): Promise<PgPool> {
  pool = createPgPool(await server.createDatabase());
  await migratePostgres(pool);
  return pool;
}

/** Writes rows through the request log, which keeps their roll-ups. */
async function seed(count: number, ts: (i: number) => number, prefix: string): Promise<void> {
  const log = new PgRequestLog(pool, { flushDelayMs: 60_000 });
  for (let i = 0; i < count; i++) {
    log.add({
      id: `${prefix}${i}`, ts: ts(i), category: null, classifierMethod: null, requestedModel: null, target: 'p/m', status: 200, outcome: 'ok', attempts: [], totalMs: 10,
      ttfbMs: null, promptTokens: null, completionTokens: null, cachedTokens: null, reasoningTokens: null, costUsd: null, costSource: 'none', stream: false,
      usageEstimated: false, userAgent: null, error: null,
    } satisfies RequestRecord);
  }
  await log.close();
}

const count = async (sql = 'SELECT COUNT(*) AS n FROM requests') => ((await pool.query<{ n: number | null }>(sql)).rows[0].n ?? 0);

describe('PgLogRetention.pruneOnce', () => {
  it('deletes rows older than the retention, at most a batch per pass', async () => {
    await freshPool();
    await seed(25, (i) => NOW - 40 * DAY + i, 'old');
    await seed(5, (i) => NOW - HOUR_MS + i, 'new');
    const retention = new PgLogRetention(pool, { retentionDays: 30, maxRows: 1_000_000, batchRows: 10 });
    expect(await retention.pruneOnce(NOW)).toEqual({ deleted: 10, more: true });
    await retention.pruneOnce(NOW);
    expect(await retention.pruneOnce(NOW)).toEqual({ deleted: 5, more: false });
    expect(await count()).toBe(5);
    expect(await count("SELECT COUNT(*) AS n FROM requests WHERE id LIKE 'old%'")).toBe(0);
    expect(retention.health()).toMatchObject({ rows_pruned: 25, prune_failures: 0 });
  });

  it('keeps the newest maxRows rows', async () => {
    await freshPool();
    await seed(30, (i) => NOW - 30_000 + i * 1000, 'r');
    await new PgLogRetention(pool, { retentionDays: 30, maxRows: 12, batchRows: 1000 }).pruneOnce(NOW);
    expect(await count()).toBe(12);
    expect(await count("SELECT COUNT(*) AS n FROM requests WHERE id IN ('r29', 'r18')")).toBe(2);
    expect(await count("SELECT COUNT(*) AS n FROM requests WHERE id = 'r17'")).toBe(0);
  });

  it('drops minute roll-ups after two days and hour roll-ups with the rows, keeping the totals of newer hours', async () => {
    await freshPool();
    await seed(3, (i) => NOW - 3 * DAY + i * MINUTE_MS, 'a');
    await seed(2, (i) => NOW - 40 * DAY + i, 'b');
    await new PgLogRetention(pool, { retentionDays: 30, maxRows: 1_000_000 }).pruneOnce(NOW);
    expect(await count(`SELECT COUNT(*) AS n FROM request_rollup WHERE span = ${MINUTE_MS}`)).toBe(0);
    expect(await count(`SELECT SUM(n) AS n FROM request_rollup WHERE span = ${HOUR_MS}`)).toBe(3);
  });

  it('lets one replica prune at a time: another one skips the pass while the first holds the lock', async () => {
    await freshPool();
    await seed(20, (i) => NOW - 40 * DAY + i, 'old');
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(7318004120)');
      expect(await new PgLogRetention(pool, { retentionDays: 30, maxRows: 1_000_000 }).pruneOnce(NOW)).toEqual({ deleted: 0, more: false });
      await holder.query('COMMIT');
    } finally {
      holder.release();
    }
    expect(await new PgLogRetention(pool, { retentionDays: 30, maxRows: 1_000_000 }).pruneOnce(NOW)).toEqual({ deleted: 20, more: false });
  });
});
