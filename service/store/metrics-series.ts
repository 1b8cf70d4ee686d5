// Time series for the dashboard's overview: requests, success rate, cost and p50/p95 latency per
// bucket, split by category, target or provider, plus the share of each classifier method. Read from
// the request log's roll-ups (request-rollup.ts), so the cost follows the number of buckets and
// targets, not the number of requests; percentiles come from the roll-ups' latency histograms.
import type { Db } from './database.ts';
import { MINUTE_ROLLUP_KEEP_MS } from './log-retention.ts';
import { BIN_COLUMNS, HOUR_MS, MINUTE_MS, percentile } from './request-rollup.ts';

export type SeriesSplit = 'category' | 'target' | 'provider';

export interface SeriesQuery {
  windowMs: number;
  bucketMs: number;
  split: SeriesSplit;
  now?: number;
}

export interface MetricsSeries {
  window_ms: number;
  bucket_ms: number;
  from: number;
  to: number;
  /** Each bucket's start, epoch ms, oldest first. */
  buckets: number[];
  totals: { requests: number[]; success_rate: Array<number | null>; cost_usd: number[]; p50_ms: Array<number | null>; p95_ms: Array<number | null> };
  split: SeriesSplit;
  /** Per split key: requests and cost per bucket. */
  series: Record<string, { requests: number[]; cost_usd: number[] }>;
  /** Per split key over the whole window, busiest first. */
  breakdown: Array<{ key: string; requests: number; success_rate: number; cost_usd: number; p50_ms: number | null; p95_ms: number | null }>;
  summary: { requests: number; success_rate: number | null; cost_usd: number; p50_ms: number | null; p95_ms: number | null };
  classifier_methods: Record<string, number>;
}

/** The most buckets one answer holds; a finer bucket over a long window is refused by the route. */
export const MAX_BUCKETS = 1000;

/** Why a bucket size cannot be served from the roll-ups, or null when it can. */
export function bucketProblem(windowMs: number, bucketMs: number): string | null {
  if (bucketMs % MINUTE_MS !== 0) return 'bucket is a whole number of minutes';
  if (bucketMs % HOUR_MS !== 0 && windowMs > MINUTE_ROLLUP_KEEP_MS) return `a window over ${MINUTE_ROLLUP_KEEP_MS / HOUR_MS} h needs a bucket of whole hours (per-minute roll-ups are kept ${MINUTE_ROLLUP_KEEP_MS / HOUR_MS} h)`;
  if (Math.ceil(windowMs / bucketMs) > MAX_BUCKETS) return `at most ${MAX_BUCKETS} buckets`;
  return null;
}

interface Acc {
  n: number;
  ok: number;
  cost: number;
  min: number | null;
  max: number | null;
  bins: number[];
}

const emptyAcc = (): Acc => ({ n: 0, ok: 0, cost: 0, min: null, max: null, bins: BIN_COLUMNS.map(() => 0) });

function add(into: Acc, n: number, ok: number, cost: number, min: number | null, max: number | null, bins: number[]): void {
  into.n += n;
  into.ok += ok;
  into.cost += cost;
  if (min !== null) into.min = into.min === null ? min : Math.min(into.min, min);
  if (max !== null) into.max = into.max === null ? max : Math.max(into.max, max);
  for (let i = 0; i < bins.length; i++) into.bins[i] += bins[i];
}

const p = (a: Acc, q: number) => percentile(a.bins, a.min, a.max, q);

/** One request_rollup row as the series reads it: bucket, category, target, n, ok, cost, min, max, then the bins. */
export type SeriesRollupRow = [number, string, string, number, number, number, number | null, number | null, ...number[]];

/** The buckets a query covers, and the roll-up span to read them from. */
export function seriesRange(q: SeriesQuery): { from: number; to: number; span: number; buckets: number[] } {
  const now = q.now ?? Date.now();
  // Buckets are aligned to the bucket size, so consecutive calls agree on their edges.
  const to = Math.floor(now / q.bucketMs) * q.bucketMs + q.bucketMs;
  const count = Math.min(MAX_BUCKETS, Math.ceil(q.windowMs / q.bucketMs));
  const from = to - count * q.bucketMs;
  const buckets = Array.from({ length: count }, (_, i) => from + i * q.bucketMs);
  return { from, to, span: q.bucketMs % HOUR_MS === 0 ? HOUR_MS : MINUTE_MS, buckets };
}

/**
 * The roll-up rows of a series summed per bucket of the answer, category and target, on either
 * database (`?` placeholders: bucketMs twice, span, from, to): a day's 15-minute buckets are 96
 * groups per pair instead of 1,440 minute rows, so the rows sent over are few whatever the span.
 */
export const SERIES_ROLLUP_QUERY = `SELECT bucket / ? * ? AS b, category, target, SUM(n), SUM(ok), SUM(cost_usd), MIN(ms_min), MAX(ms_max),
       ${BIN_COLUMNS.map((c) => `SUM(${c})`).join(', ')}
  FROM request_rollup WHERE span = ? AND bucket >= ? AND bucket < ? GROUP BY b, category, target`;

/**
 * The classifier methods in the log, found by seeking the (classifier_method, ts) index from one to
 * the next, so a month of requests is not read to list a handful of values.
 */
export const CLASSIFIER_METHODS_QUERY = `WITH RECURSIVE m(v) AS (SELECT MIN(classifier_method) FROM requests
         UNION ALL SELECT (SELECT MIN(classifier_method) FROM requests WHERE classifier_method > m.v) FROM m WHERE m.v IS NOT NULL)
       SELECT v FROM m WHERE v IS NOT NULL LIMIT 100`;

export function queryMetricsSeries(db: Db, query: SeriesQuery): MetricsSeries {
  const q = { ...query, now: query.now ?? Date.now() };
  const range = seriesRange(q);
  const rows = db.prepare(SERIES_ROLLUP_QUERY).raw().all(q.bucketMs, q.bucketMs, range.span, range.from, range.to) as SeriesRollupRow[];
  return buildMetricsSeries(q, rows, classifierMethods(db, range.from, range.to));
}

/** The answer from the roll-up rows and the method counts, the same whichever database they came from. */
export function buildMetricsSeries(q: SeriesQuery, rows: SeriesRollupRow[], methods: Record<string, number>): MetricsSeries {
  const { from, to, buckets } = seriesRange(q);
  const perBucket = buckets.map(emptyAcc);
  const perKey = new Map<string, { acc: Acc; requests: number[]; cost: number[] }>();
  const all = emptyAcc();
  for (const row of rows) {
    const [bucket, category, target, n, ok, cost, min, max] = row;
    const bins = row.slice(8) as number[];
    const i = Math.floor((bucket - from) / q.bucketMs);
    add(perBucket[i], n, ok, cost, min, max, bins);
    add(all, n, ok, cost, min, max, bins);
    const key = splitKey(q.split, category, target);
    let k = perKey.get(key);
    if (!k) perKey.set(key, (k = { acc: emptyAcc(), requests: buckets.map(() => 0), cost: buckets.map(() => 0) }));
    add(k.acc, n, ok, cost, min, max, bins);
    k.requests[i] += n;
    k.cost[i] += cost;
  }

  return {
    window_ms: q.windowMs,
    bucket_ms: q.bucketMs,
    from,
    to,
    buckets,
    totals: {
      requests: perBucket.map((b) => b.n),
      success_rate: perBucket.map((b) => (b.n ? round(b.ok / b.n, 4) : null)),
      cost_usd: perBucket.map((b) => round(b.cost, 6)),
      p50_ms: perBucket.map((b) => p(b, 0.5)),
      p95_ms: perBucket.map((b) => p(b, 0.95)),
    },
    split: q.split,
    series: Object.fromEntries([...perKey].map(([key, k]) => [key, { requests: k.requests, cost_usd: k.cost.map((c) => round(c, 6)) }])),
    breakdown: [...perKey]
      .map(([key, k]) => ({ key, requests: k.acc.n, success_rate: round(k.acc.ok / k.acc.n, 4), cost_usd: round(k.acc.cost, 6), p50_ms: p(k.acc, 0.5), p95_ms: p(k.acc, 0.95) }))
      .sort((a, b) => b.requests - a.requests),
    summary: { requests: all.n, success_rate: all.n ? round(all.ok / all.n, 4) : null, cost_usd: round(all.cost, 6), p50_ms: p(all, 0.5), p95_ms: p(all, 0.95) },
    classifier_methods: methods,
  };
}

/** Requests per classifier method: one count per method over its range of the (classifier_method, ts) index, never reading a row. */
function classifierMethods(db: Db, from: number, to: number): Record<string, number> {
  const methods = db.prepare(CLASSIFIER_METHODS_QUERY).pluck().all() as string[];
  const count = db.prepare(`SELECT COUNT(*) FROM requests WHERE classifier_method IS ? AND ts >= ? AND ts < ?`).pluck();
  const out: Record<string, number> = {};
  for (const method of [...methods, null]) {
    const n = count.get(method, from, to) as number;
    if (n > 0) out[method ?? 'none'] = n;
  }
  return out;
}

function splitKey(split: SeriesSplit, category: string, target: string): string {
  // The roll-ups keep a missing category or target as ''.
  if (split === 'category') return category || 'unclassified';
  // A request every target failed was served by none.
  if (!target) return 'no target';
  return split === 'target' ? target : target.slice(0, target.indexOf('/'));
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
