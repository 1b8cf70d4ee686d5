// The request log's write rate into PostgreSQL against SQLite, and GET /metrics's read over the
// result. Both stores are given the same durability: SQLite in WAL with synchronous=NORMAL (what
// the gateway runs), PostgreSQL with fsync on and synchronous_commit=off (a commit survives a
// process kill, not an OS crash). Each run writes --rows rows through the real writers in batches
// of the sizes below (the gateway's batch is whatever arrived in ROUTER_LOG_FLUSH_MS). Bounded.
//
//   node bench/log-write-bench.ts [--rows 200000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../service/store/database.ts';
import { RequestLog, type RequestRecord } from '../service/store/request-log.ts';
import { SqliteRequestLogReader } from '../service/store/request-log-reader.ts';
import type { RequestLogReader, RequestLogWriter } from '../service/store/request-log-contract.ts';
import { createPgPool, migratePostgres } from '../service/store/postgres/pg-database.ts';
import { PgRequestLog } from '../service/store/postgres/pg-request-log.ts';
import { PgRequestLogReader } from '../service/store/postgres/pg-request-log-reader.ts';
import { startPostgres } from '../test/support/postgres-server.ts';

const args = process.argv.slice(2);
const ROWS = Number(args.includes('--rows') ? args[args.indexOf('--rows') + 1] : '200000');
const BATCHES = [16, 256, 2048];

let next = 0;
const record = (now: number): RequestRecord => {
  const n = next++;
  return {
    id: `bench-${n}`, ts: now - n * 50, category: `cat${n % 6}`, classifierMethod: 'keyword', requestedModel: 'router', target: `p${n % 3}/m${n % 7}`,
    status: 200, outcome: n % 10 === 0 ? 'error' : 'ok', attempts: [{ target: `p${n % 3}/m${n % 7}`, outcome: 'ok', ms: 40 }], totalMs: 40 + (n % 900), ttfbMs: 12,
    promptTokens: 1200, completionTokens: 300, cachedTokens: 0, reasoningTokens: 0, costUsd: 0.0021, costSource: 'pricing', stream: true, usageEstimated: false,
    userAgent: 'openai-node/7', error: null,
  };
};

async function run(label: string, writer: RequestLogWriter, reader: RequestLogReader): Promise<void> {
  const now = Date.now();
  const perBatch = Math.ceil(ROWS / BATCHES.length);
  for (const batch of BATCHES) {
    const started = performance.now();
    for (let written = 0; written < perBatch; written += batch) {
      for (let k = 0; k < batch; k++) writer.add(record(now));
      await writer.flush();
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`${label}: batches of ${batch}: ${Math.round(perBatch / seconds).toLocaleString('en')} rows/s`);
  }
  const health = writer.health();
  if (health.rows_dropped.buffer_full + health.rows_dropped.unwritable + health.write_failures > 0) console.log(`${label}: not all written`, health);
  for (const [window, ms] of [['all', null], ['24h', 86_400_000], ['1h', 3_600_000]] as const) {
    const samples: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      await reader.metrics(ms);
      samples.push(performance.now() - t);
    }
    console.log(`${label}: /metrics over ${health.rows_written.toLocaleString('en')} rows, window ${window}: median ${samples.sort((a, b) => a - b)[3].toFixed(1)} ms`);
  }
}

const dir = mkdtempSync(path.join(tmpdir(), 'log-write-bench-'));
try {
  const db = openDatabase(path.join(dir, 'router.db'));
  const sqlite = new RequestLog(db, { flushDelayMs: 60_000, maxBufferedRows: 1_000_000 });
  await run('SQLite', sqlite, new SqliteRequestLogReader(db, sqlite));
  sqlite.close();
  db.close();

  const server = await startPostgres({ settings: { fsync: 'on', full_page_writes: 'on', synchronous_commit: 'off' } });
  try {
    const pool = createPgPool(await server.createDatabase('bench'));
    await migratePostgres(pool);
    const pg = new PgRequestLog(pool, { flushDelayMs: 60_000, maxBufferedRows: 1_000_000 });
    next = 0;
    await run('PostgreSQL', pg, new PgRequestLogReader(pool, pg));
    await pg.close();
    await pool.end();
  } finally {
    await server.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
