// The dashboard's overview series on SQLite and on PostgreSQL: the same requests written through
// each backend's request log give the same answer for every window, bucket and split.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../service/store/database.ts';
import { RequestLog, type RequestRecord } from '../../service/store/request-log.ts';
import { queryMetricsSeries, type SeriesQuery } from '../../service/store/metrics-series.ts';
import { createPgPool, migratePostgres, type PgPool } from '../../service/store/postgres/pg-database.ts';
import { PgRequestLog } from '../../service/store/postgres/pg-request-log.ts';
import { queryPgMetricsSeries } from '../../service/store/postgres/pg-metrics-series.ts';
import { startPostgres, type PostgresServer } from '../support/postgres-server.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 28, 12, 30, 30);

let server: PostgresServer;
let pool: PgPool;
const db = openDatabase(':memory:');

const targets = ['openai/gpt-4.1', 'local/qwen3', null];
const methods = ['keyword', 'llm', 'direct', null];
function record(i: number): RequestRecord {
  return {
    id: `r${i}`, ts: NOW - Math.floor(((i * 7919) % (40 * 86_400_000)) / 40), category: i % 5 === 0 ? null : ['code', 'chat', 'reasoning'][i % 3], classifierMethod: methods[i % 4],
    requestedModel: 'router', target: targets[i % 3], status: i % 7 === 0 ? 503 : 200, outcome: i % 7 === 0 ? 'error' : 'ok', attempts: [{ target: 'p/m', outcome: 'ok', ms: 10 }],
    totalMs: 20 + ((i * 37) % 3000), ttfbMs: 5, promptTokens: 10, completionTokens: 3, cachedTokens: null, reasoningTokens: null, costUsd: i % 4 === 0 ? null : 0.0001 * (i % 13),
    costSource: 'pricing', stream: i % 2 === 0, usageEstimated: false, userAgent: null, error: null,
  } as RequestRecord;
}

beforeAll(async () => {
  server = await startPostgres();
  pool = createPgPool(await server.createDatabase());
  await migratePostgres(pool);
  const sqliteLog = new RequestLog(db, { flushDelayMs: 60_000 });
  const pgLog = new PgRequestLog(pool, { flushDelayMs: 60_000, maxBufferedRows: 100_000 });
  for (let i = 0; i < 3000; i++) {
    sqliteLog.add(record(i));
    pgLog.add(record(i));
  }
  sqliteLog.close();
  await pgLog.close();
}, 60_000);
afterAll(async () => {
  db.close();
  await pool?.end();
  await server?.close();
});

const queries: SeriesQuery[] = [
  { windowMs: HOUR, bucketMs: MIN, split: 'category', now: NOW },
  { windowMs: 24 * HOUR, bucketMs: 15 * MIN, split: 'target', now: NOW },
  { windowMs: 7 * 24 * HOUR, bucketMs: HOUR, split: 'provider', now: NOW },
  { windowMs: 30 * 24 * HOUR, bucketMs: 24 * HOUR, split: 'category', now: NOW },
];

describe('metrics series contract: SQLite and PostgreSQL', () => {
  it.each(queries)('gives the same series for window $windowMs ms, bucket $bucketMs ms, split $split', async (q) => {
    const sqlite = queryMetricsSeries(db, q);
    expect(sqlite.summary.requests).toBeGreaterThan(0);
    expect(await queryPgMetricsSeries(pool, q)).toEqual(sqlite);
  });

  it('still agrees after old requests are deleted (retention): the method counts follow the rows', async () => {
    const cut = NOW - 12 * HOUR;
    db.prepare('DELETE FROM requests WHERE ts < ?').run(cut);
    await pool.query('DELETE FROM requests WHERE ts < $1', [cut]);
    const q = queries[1];
    const sqlite = queryMetricsSeries(db, q);
    expect(await queryPgMetricsSeries(pool, q)).toEqual(sqlite);
  });
});
