// An existing SQLite store moved into PostgreSQL: the same categories, settings, audit, breaker
// history and request log, and /metrics and /requests answer the same from both.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../service/store/database.ts';
import { RequestLog, type RequestRecord } from '../../service/store/request-log.ts';
import { SqliteRequestLogReader } from '../../service/store/request-log-reader.ts';
import { CategoryStore } from '../../service/store/category-store.ts';
import { SettingsStore } from '../../service/store/settings-store.ts';
import { BreakerEventLog } from '../../service/store/breaker-event-log.ts';
import { ResponseCacheStore } from '../../service/store/response-cache-store.ts';
import { CacheRollup } from '../../service/store/cache-rollup.ts';
import { PgResponseCacheStore } from '../../service/store/postgres/pg-response-cache-store.ts';
import { PgCacheRollup } from '../../service/store/postgres/pg-cache-rollup.ts';
import { queryMetricsSeries, type MetricsSeries } from '../../service/store/metrics-series.ts';
import { queryPgMetricsSeries } from '../../service/store/postgres/pg-metrics-series.ts';
import { createPgPool } from '../../service/store/postgres/pg-database.ts';
import { PgRequestLogReader } from '../../service/store/postgres/pg-request-log-reader.ts';
import { startPostgres, type PostgresServer } from '../support/postgres-server.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const NOW = Date.now();
let server: PostgresServer;
let dir: string;
let file: string;
let sqliteMetrics: unknown;
let sqlitePage: unknown;
let sqliteCache: unknown;
let sqliteSeries: MetricsSeries;
const SERIES = { windowMs: 3_600_000, bucketMs: 300_000, split: 'category' as const, now: NOW };
let sqliteCacheMetrics: unknown;

beforeAll(async () => {
  server = await startPostgres();
  dir = mkdtempSync(path.join(tmpdir(), 'sqlite-to-pg-'));
  file = path.join(dir, 'router.db');
  const db = openDatabase(file);
  const categories = new CategoryStore(db);
  categories.seedIfEmpty([{ name: 'code', description: 'code', keywords: ['function'], chain: ['p/m'] }]);
  categories.save({ name: 'chat', description: 'chat', keywords: [], chain: ['q/n', 'p/m'] }, 'POST /config/category');
  new SettingsStore(db).set('aliases', { fast: 'p/m' }, 'POST /config/aliases');
  new BreakerEventLog(db).add('p/m', 'open');
  const log = new RequestLog(db, { flushDelayMs: 60_000 });
  for (let i = 0; i < 2500; i++) {
    log.add({
      id: `r${i}`, ts: NOW - i * 1000, category: i % 2 ? 'code' : 'chat', classifierMethod: 'keyword', requestedModel: i === 2001 ? 'nul\u0000model' : 'router',
      target: 'p/m', status: 200, outcome: i % 9 ? 'ok' : 'error', attempts: [{ target: 'p/m', outcome: 'ok', ms: 10 + (i % 50) }], totalMs: 20 + (i % 400), ttfbMs: 5,
      promptTokens: 10, completionTokens: 3, cachedTokens: null, reasoningTokens: null, costUsd: 0.0002, costSource: 'pricing', stream: i % 2 === 0,
      usageEstimated: false, userAgent: 'OpenAI/JS', error: null,
    } as RequestRecord);
  }
  log.flush();
  const cache = new ResponseCacheStore(db, 1_000_000);
  for (const key of ['old', 'new']) cache.put({ key, category: 'code', target: 'p/m', kind: 'completion', body: `{"id":"${key}"}`, createdAt: NOW, expiresAt: NOW + 3_600_000 }, NOW);
  cache.touch('old');
  cache.flush();
  sqliteCache = cache.stats();
  const rollup = new CacheRollup(db);
  rollup.add({ id: 'c1', ts: NOW, category: 'code', target: 'p/m', cache: 'HIT', costSavedUsd: 0.5 } as unknown as RequestRecord);
  sqliteCacheMetrics = rollup.query(null, NOW);
  rollup.close();
  const reader = new SqliteRequestLogReader(db, log);
  sqliteMetrics = await reader.metrics(3_600_000, NOW);
  sqliteSeries = queryMetricsSeries(db, SERIES);
  sqlitePage = await reader.list({ category: 'code' }, 50, null);
  log.close();
  db.close();
}, 60_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = (args: string[]) => promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts/sqlite-to-postgres.ts'), ...args]);

describe('scripts/sqlite-to-postgres.ts', () => {
  it('copies the whole store, and /metrics and /requests answer the same from PostgreSQL', async () => {
    const url = await server.createDatabase();
    const { stdout } = await run(['--from', file, '--to', url]);
    expect(stdout).toContain('requests: 2500 rows');
    expect(stdout).toContain('categories: 2 rows');
    const pool = createPgPool(url);
    try {
      const reader = new PgRequestLogReader(pool);
      expect(await reader.metrics(3_600_000, NOW)).toEqual(sqliteMetrics);
      expect(await queryPgMetricsSeries(pool, SERIES)).toEqual(sqliteSeries);
      // The same rows; the cursor is each store's own (rowid there, seq here).
      const page = await reader.list({ category: 'code' }, 50, null);
      expect(page.data).toEqual((sqlitePage as typeof page).data);
      expect((await reader.list({ category: 'code' }, 1, page.next_cursor)).data[0].id).toBe('r101');
      expect((await pool.query('SELECT name FROM categories ORDER BY position')).rows.map((r) => r.name)).toEqual(['code', 'chat']);
      expect(JSON.parse((await pool.query("SELECT value FROM settings WHERE key = 'aliases'")).rows[0].value)).toEqual({ fast: 'p/m' });
      expect((await pool.query('SELECT route FROM config_audit ORDER BY id')).rows.map((r) => r.route)).toEqual(['POST /config/category', 'POST /config/aliases']);
      expect((await pool.query('SELECT target, state FROM breaker_events')).rows).toEqual([{ target: 'p/m', state: 'open' }]);
      // PostgreSQL's text cannot hold U+0000: that row is kept with U+FFFD in its place (outside the pages compared above).
      expect((await pool.query("SELECT requested_model FROM requests WHERE id = 'r2001'")).rows[0].requested_model).toBe('nul\uFFFDmodel');
      // The cache: the same entries and byte total, recency kept (a new entry is newer than every copied one).
      const cache = new PgResponseCacheStore(pool, 1_000_000);
      expect(await cache.stats()).toEqual(sqliteCache);
      expect(await new PgCacheRollup(pool).query(null, NOW)).toEqual(sqliteCacheMetrics);
      await cache.put({ key: 'newest', category: 'code', target: 'p/m', kind: 'completion', body: '{}', createdAt: NOW, expiresAt: NOW + 3_600_000 }, NOW);
      expect((await pool.query('SELECT key FROM response_cache ORDER BY used')).rows.map((r) => r.key)).toEqual(['new', 'old', 'newest']);
      // New audit rows go on after the copied ids.
      await pool.query("INSERT INTO config_audit (ts, route) VALUES (1, 'later')");
      expect((await pool.query("SELECT id FROM config_audit WHERE route = 'later'")).rows[0].id).toBe(3);
    } finally {
      await pool.end();
    }
  });

  it('refuses a PostgreSQL database that already holds a store, and writes nothing', async () => {
    const url = await server.createDatabase();
    await run(['--from', file, '--to', url]);
    const second = await run(['--from', file, '--to', url]).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/already holds rows/);
    const pool = createPgPool(url);
    expect((await pool.query('SELECT COUNT(*) AS n FROM requests')).rows[0].n).toBe(2500);
    await pool.end();
  });
});
