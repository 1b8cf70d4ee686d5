// /metrics and the dashboard's series over ten million request rows in PostgreSQL.
//   node bench/pg-metrics-at-scale.ts [--rows 10000000] [--runs 5]
// Uses ROUTER_DATABASE_URL (an EMPTY database: the bench fills it) or starts a throwaway server
// (test/support/postgres-server.ts). Rows are made inside PostgreSQL (generate_series, in chunks of
// a million), spread over 90 days; the roll-ups are then built from them in SQL, the minute ones for
// the last 48 h only (as log retention keeps them). Prints the load time, then the median and worst
// of --runs for each /metrics window and each dashboard series, read through the PostgreSQL reader.
import pg from 'pg';
import { createPgPool, migratePostgres } from '../service/store/postgres/pg-database.ts';
import { PgRequestLogReader } from '../service/store/postgres/pg-request-log-reader.ts';
import { queryPgMetricsSeries } from '../service/store/postgres/pg-metrics-series.ts';
import { BIN_COLUMNS, HOUR_MS, LATENCY_BINS, MINUTE_MS, SUM_COLUMNS, binUpperMs } from '../service/store/request-rollup.ts';
import { MINUTE_ROLLUP_KEEP_MS } from '../service/store/log-retention.ts';
import type { SeriesQuery } from '../service/store/metrics-series.ts';
import { startPostgres, type PostgresServer } from '../test/support/postgres-server.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROWS = arg('rows', 10_000_000);
const RUNS = Math.max(1, arg('runs', 5));
const CHUNK = 1_000_000;
const DAY_MS = 86_400_000;
const SPREAD_MS = 90 * DAY_MS;
const NOW = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;

let server: PostgresServer | undefined;
let url = process.env.ROUTER_DATABASE_URL;
if (!url) {
  server = await startPostgres({ settings: { shared_buffers: '512MB', work_mem: '64MB', maintenance_work_mem: '512MB', max_wal_size: '4GB', synchronous_commit: 'off' } });
  url = await server.createDatabase('bench');
}
const pool = createPgPool(url, { max: 8 });
// Loading runs statements far longer than the store's 30 s query timeout.
const loader = new pg.Pool({ connectionString: url, max: 1 });
// The throwaway server's shutdown cuts the idle connection; nothing to report then.
loader.on('error', () => {});
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

try {
  await migratePostgres(pool);
  const { rows: used } = await loader.query('SELECT EXISTS (SELECT 1 FROM requests) AS used');
  if (used[0].used) throw new Error('the database already holds requests: point ROUTER_DATABASE_URL at an empty one');

  // Rows: the secondary indexes are built once after the load (much faster than row by row).
  let started = performance.now();
  await loader.query('DROP INDEX requests_ts_seq; DROP INDEX requests_method_ts');
  for (let first = 1; first <= ROWS; first += CHUNK) {
    const last = Math.min(ROWS, first + CHUNK - 1);
    await loader.query(
      `INSERT INTO requests (id, ts, category, classifier_method, requested_model, target, status, outcome, attempts, attempt_count, total_ms, ttfb_ms,
                             prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, cost_usd, cost_source, stream, user_agent, error)
       SELECT 'r' || i, $3::bigint - (i * $4::bigint / $5::bigint) - (i % 997),
              (ARRAY['code','conversation','reasoning','tools'])[1 + i % 4], (ARRAY['keyword','llm','direct'])[1 + i % 3], 'router',
              (ARRAY['openai/gpt-4.1','openai/gpt-4o-mini','local/qwen3','edge/mistral-small','anthropic/claude'])[1 + i % 5],
              CASE WHEN i % 23 = 0 THEN 503 ELSE 200 END, CASE WHEN i % 23 = 0 THEN 'error' ELSE 'ok' END,
              '[{"target":"openai/gpt-4.1","outcome":"ok","ms":40}]', 1, 20 + (i * 7919) % 4000, 5 + i % 300,
              100 + i % 2000, 10 + i % 500, 0, 0, (i % 1000) * 0.000001, 'pricing', i % 2, 'OpenAI/JS 5', NULL
         FROM generate_series($1::bigint, $2::bigint) AS i`,
      [first, last, NOW, SPREAD_MS, ROWS],
    );
    process.stdout.write(`\rrequests: ${last.toLocaleString('en-US')} rows (${seconds(started)} s)`);
  }
  console.log();
  let step = performance.now();
  await loader.query('CREATE INDEX requests_ts_seq ON requests (ts DESC, seq DESC)');
  await loader.query('CREATE INDEX requests_method_ts ON requests (classifier_method, ts)');
  console.log(`indexes: ${seconds(step)} s`);

  // Roll-ups, as the request log writes them (one row per span, bucket, category and target).
  step = performance.now();
  const sums: Record<(typeof SUM_COLUMNS)[number], string> = {
    n: 'COUNT(*)', ok: "COUNT(*) FILTER (WHERE outcome = 'ok')", client_closed: "COUNT(*) FILTER (WHERE outcome = 'client_closed')", ms_sum: 'SUM(total_ms)',
    ttfb_sum: 'SUM(COALESCE(ttfb_ms, 0))', ttfb_n: 'COUNT(ttfb_ms)', prompt: 'SUM(COALESCE(prompt_tokens, 0))', completion: 'SUM(COALESCE(completion_tokens, 0))',
    cached: 'SUM(COALESCE(cached_tokens, 0))', reasoning: 'SUM(COALESCE(reasoning_tokens, 0))', cost_usd: 'SUM(COALESCE(cost_usd, 0))',
    n_upstream: "COUNT(cost_usd) FILTER (WHERE cost_source = 'upstream')", cost_upstream: "COALESCE(SUM(cost_usd) FILTER (WHERE cost_source = 'upstream'), 0)",
    n_pricing: "COUNT(cost_usd) FILTER (WHERE cost_source = 'pricing')", cost_pricing: "COALESCE(SUM(cost_usd) FILTER (WHERE cost_source = 'pricing'), 0)",
    n_estimated: "COUNT(cost_usd) FILTER (WHERE cost_source = 'estimated')", cost_estimated: "COALESCE(SUM(cost_usd) FILTER (WHERE cost_source = 'estimated'), 0)",
    unpriced: "COUNT(*) FILTER (WHERE target IS NOT NULL AND cost_source = 'unpriced')", estimated: 'COUNT(*) FILTER (WHERE target IS NOT NULL AND usage_estimated = 1)',
  };
  // binOf() in SQL: arithmetic rather than binSql's 40-way CASE, which made the roll-up build ten times slower.
  const bin = `CASE WHEN total_ms < ${binUpperMs(0)} THEN 0 ELSE LEAST(${LATENCY_BINS - 1}, floor(2 * ln(total_ms) / ln(2))::int) END`;
  const bins = BIN_COLUMNS.map((_, i) => `COUNT(*) FILTER (WHERE bin = ${i})`).join(', ');
  for (const [span, since] of [[HOUR_MS, 0], [MINUTE_MS, NOW - MINUTE_ROLLUP_KEEP_MS]]) {
    await loader.query(
      `INSERT INTO request_rollup (span, bucket, category, target, ${SUM_COLUMNS.join(', ')}, ms_min, ms_max, ${BIN_COLUMNS.join(', ')})
       SELECT ${span}, ts / ${span} * ${span}, COALESCE(category, ''), COALESCE(target, ''), ${SUM_COLUMNS.map((c) => sums[c]).join(', ')}, MIN(total_ms), MAX(total_ms), ${bins}
         FROM (SELECT ts, category, target, outcome, total_ms, ttfb_ms, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, cost_usd, cost_source, usage_estimated, ${bin} AS bin FROM requests WHERE ts >= ${Math.floor(since / span) * span}) r
        GROUP BY 2, 3, 4`,
    );
    await loader.query(
      `INSERT INTO attempt_rollup (span, bucket, target, kind, n, ms_sum, ms_min, ms_max, ${BIN_COLUMNS.join(', ')})
       SELECT ${span}, ts / ${span} * ${span}, target, CASE WHEN outcome = 'ok' THEN 'ok' ELSE 'error:http_503' END, COUNT(*), SUM(total_ms), MIN(total_ms), MAX(total_ms), ${bins}
         FROM (SELECT ts, category, target, outcome, total_ms, ttfb_ms, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, cost_usd, cost_source, usage_estimated, ${bin} AS bin FROM requests WHERE ts >= ${Math.floor(since / span) * span}) r
        GROUP BY 2, 3, 4`,
    );
  }
  await loader.query('VACUUM ANALYZE requests');
  await loader.query('VACUUM ANALYZE request_rollup');
  await loader.query('VACUUM ANALYZE attempt_rollup');
  const counts = (await loader.query("SELECT (SELECT COUNT(*) FROM request_rollup) AS r, (SELECT COUNT(*) FROM attempt_rollup) AS a, pg_size_pretty(pg_total_relation_size('requests')) AS size")).rows[0];
  console.log(`roll-ups: ${Number(counts.r).toLocaleString('en-US')} request rows, ${Number(counts.a).toLocaleString('en-US')} attempt rows, ${seconds(step)} s; requests table ${counts.size}`);
  console.log(`loaded ${ROWS.toLocaleString('en-US')} rows in ${seconds(started)} s`);

  const reader = new PgRequestLogReader(pool);
  const time = async (label: string, run: () => Promise<unknown>) => {
    await run(); // warm: the first read of a cold cache is not what a dashboard user sees twice
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      started = performance.now();
      await run();
      ms.push(performance.now() - started);
    }
    ms.sort((a, b) => a - b);
    console.log(`${label.padEnd(44)} median ${ms[Math.floor(ms.length / 2)].toFixed(1).padStart(8)} ms   worst ${ms.at(-1)!.toFixed(1).padStart(8)} ms`);
  };
  for (const [label, windowMs] of [['1h', HOUR_MS], ['24h', DAY_MS], ['30d', 30 * DAY_MS], ['all', null]] as const) {
    await time(`/metrics window=${label}`, () => reader.metrics(windowMs, NOW));
  }
  const series: Array<[string, SeriesQuery]> = [
    ['series 1h / 1 min / category', { windowMs: HOUR_MS, bucketMs: MINUTE_MS, split: 'category', now: NOW }],
    ['series 24h / 15 min / target', { windowMs: DAY_MS, bucketMs: 15 * MINUTE_MS, split: 'target', now: NOW }],
    ['series 7d / 1 h / provider', { windowMs: 7 * DAY_MS, bucketMs: HOUR_MS, split: 'provider', now: NOW }],
    ['series 30d / 1 d / category', { windowMs: 30 * DAY_MS, bucketMs: DAY_MS, split: 'category', now: NOW }],
  ];
  for (const [label, q] of series) await time(label, () => queryPgMetricsSeries(pool, q));
  await time('/requests first page (limit 50)', () => reader.list({}, 50, null));
  await time('/requests category=code (limit 50)', () => reader.list({ category: 'code' }, 50, null));
} finally {
  await pool.end();
  await loader.end();
  await server?.close();
}
