// The PostgreSQL request log when PostgreSQL is away or refuses a row: the gateway's side never
// blocks or throws, rows wait up to a bound, the rest are counted as dropped, and writing resumes.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RequestRecord } from '../../service/store/request-log.ts';
import { createPgPool, migratePostgres, type PgPool } from '../../service/store/postgres/pg-database.ts';
import { PgRequestLog } from '../../service/store/postgres/pg-request-log.ts';
import { startPostgres, type PostgresServer } from '../support/postgres-server.ts';
import { until } from '../support/until.ts';

let server: PostgresServer;
let pool: PgPool;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.close());
beforeEach(async () => {
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  pool = createPgPool(await server.createDatabase(), { connectTimeoutMs: 1000 });
  await migratePostgres(pool);
});
afterEach(async () => {
  await pool.end();
  vi.restoreAllMocks();
});

const record = (id: string, extra: Partial<Record<keyof RequestRecord, unknown>> = {}): RequestRecord =>
  ({
    id, ts: Date.now(), category: 'code', classifierMethod: 'keyword', requestedModel: 'router', target: 'p/m', status: 200, outcome: 'ok', attempts: [],
    totalMs: 10, ttfbMs: 2, promptTokens: 5, completionTokens: 1, cachedTokens: null, reasoningTokens: null, costUsd: null, costSource: 'unpriced',
    stream: false, usageEstimated: false, userAgent: null, error: null, ...extra,
  }) as RequestRecord;

const storedIds = async () => (await pool.query<{ id: string }>('SELECT id FROM requests ORDER BY ts, id')).rows.map((r) => r.id);

describe('PostgreSQL request log', () => {
  it('keeps rows up to its bound while PostgreSQL is down, counts the rest as dropped, and writes the kept ones once it is back', async () => {
    const log = new PgRequestLog(pool, { flushDelayMs: 0, maxBufferedRows: 50 });
    log.add(record('before', { ts: 1 }));
    await until(() => log.health().rows_written === 1);
    await server.stop();
    for (let i = 0; i < 80; i++) log.add(record(`r${i}`, { ts: 100 + i }));
    await until(() => log.health().failing_for > 0);
    expect(log.health()).toMatchObject({ pending: 50, rows_dropped: { buffer_full: 30, unwritable: 0 } });
    expect(log.health().last_error?.message).toBeTruthy();
    await server.start();
    // The retry (with backoff) writes the 50 newest rows; the 30 oldest were the ones let go.
    await until(() => log.health().rows_written === 51, 15_000);
    expect(await storedIds()).toEqual(['before', ...Array.from({ length: 50 }, (_, i) => `r${30 + i}`)]);
    expect(log.health()).toMatchObject({ pending: 0, failing_for: 0 });
    await log.close();
  }, 30_000);

  it('drops a row PostgreSQL rejects alone and writes the others of its batch', async () => {
    const log = new PgRequestLog(pool, { flushDelayMs: 60_000 });
    log.add(record('a'));
    // Past BIGINT: PostgreSQL refuses the value (SQLSTATE 22003).
    log.add(record('huge-ts', { ts: 1e300 }));
    log.add(record('b', { requestedModel: 'nul\u0000model' }));
    expect(await log.flush()).toBe(2);
    expect((await storedIds()).sort()).toEqual(['a', 'b']);
    expect(log.health().rows_dropped).toEqual({ buffer_full: 0, unwritable: 1 });
    // PostgreSQL's text cannot hold U+0000: it is stored as U+FFFD.
    expect((await pool.query("SELECT requested_model FROM requests WHERE id = 'b'")).rows[0].requested_model).toBe('nul\uFFFDmodel');
    await log.close();
  });
});
