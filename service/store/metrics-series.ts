// Time series for the dashboard's overview: requests, success rate, cost and p50/p95 latency per
// bucket, split by category, target or provider, plus the share of each classifier method. One
// pass over the window's rows (read as arrays, not objects); percentiles are exact.
import type { Db } from './database.ts';

export type SeriesSplit = 'category' | 'target' | 'provider';

export interface SeriesQuery {
  windowMs: number;
  bucketMs: number;
  split: SeriesSplit;
  now?: number;
}

interface Stats {
  requests: number;
  ok: number;
  cost_usd: number;
  p50_ms: number | null;
  p95_ms: number | null;
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

export function queryMetricsSeries(db: Db, q: SeriesQuery): MetricsSeries {
  const now = q.now ?? Date.now();
  // Buckets are aligned to the bucket size, so consecutive calls agree on their edges.
  const to = Math.floor(now / q.bucketMs) * q.bucketMs + q.bucketMs;
  const count = Math.min(MAX_BUCKETS, Math.ceil(q.windowMs / q.bucketMs));
  const from = to - count * q.bucketMs;
  const buckets = Array.from({ length: count }, (_, i) => from + i * q.bucketMs);

  const perBucket = buckets.map(() => ({ requests: 0, ok: 0, cost: 0, ms: [] as number[] }));
  const perKey = new Map<string, { requests: number[]; cost_usd: number[]; total: number; ok: number; cost: number; ms: number[] }>();
  const methods: Record<string, number> = {};

  const rows = db
    .prepare(`SELECT ts, category, target, outcome = 'ok', total_ms, cost_usd, classifier_method FROM requests WHERE ts >= ? AND ts < ?`)
    .raw()
    .iterate(from, to) as IterableIterator<[number, string | null, string | null, number, number, number | null, string | null]>;
  for (const [ts, category, target, ok, ms, cost, method] of rows) {
    const i = Math.floor((ts - from) / q.bucketMs);
    const b = perBucket[i];
    b.requests++;
    b.ok += ok;
    b.cost += cost ?? 0;
    b.ms.push(ms);
    const key = splitKey(q.split, category, target);
    let k = perKey.get(key);
    if (!k) perKey.set(key, (k = { requests: buckets.map(() => 0), cost_usd: buckets.map(() => 0), total: 0, ok: 0, cost: 0, ms: [] }));
    k.requests[i]++;
    k.cost_usd[i] += cost ?? 0;
    k.total++;
    k.ok += ok;
    k.cost += cost ?? 0;
    k.ms.push(ms);
    const m = method ?? 'none';
    methods[m] = (methods[m] ?? 0) + 1;
  }

  const all: number[] = [];
  const stats = perBucket.map((b): Stats => {
    for (const v of b.ms) all.push(v);
    return { requests: b.requests, ok: b.ok, cost_usd: b.cost, ...percentiles(b.ms) };
  });
  const total = stats.reduce((s, b) => s + b.requests, 0);
  const okTotal = stats.reduce((s, b) => s + b.ok, 0);
  return {
    window_ms: q.windowMs,
    bucket_ms: q.bucketMs,
    from,
    to,
    buckets,
    totals: {
      requests: stats.map((s) => s.requests),
      success_rate: stats.map((s) => (s.requests ? round(s.ok / s.requests, 4) : null)),
      cost_usd: stats.map((s) => round(s.cost_usd, 6)),
      p50_ms: stats.map((s) => s.p50_ms),
      p95_ms: stats.map((s) => s.p95_ms),
    },
    split: q.split,
    series: Object.fromEntries([...perKey].map(([key, k]) => [key, { requests: k.requests, cost_usd: k.cost_usd.map((c) => round(c, 6)) }])),
    breakdown: [...perKey]
      .map(([key, k]) => ({ key, requests: k.total, success_rate: round(k.ok / k.total, 4), cost_usd: round(k.cost, 6), ...percentiles(k.ms) }))
      .sort((a, b) => b.requests - a.requests),
    summary: { requests: total, success_rate: total ? round(okTotal / total, 4) : null, cost_usd: round(stats.reduce((s, b) => s + b.cost_usd, 0), 6), ...percentiles(all) },
    classifier_methods: methods,
  };
}

function splitKey(split: SeriesSplit, category: string | null, target: string | null): string {
  if (split === 'category') return category ?? 'unclassified';
  // A request every target failed was served by none.
  if (!target) return 'no target';
  return split === 'target' ? target : target.slice(0, target.indexOf('/'));
}

function percentiles(ms: number[]): { p50_ms: number | null; p95_ms: number | null } {
  if (ms.length === 0) return { p50_ms: null, p95_ms: null };
  const sorted = Float64Array.from(ms).sort();
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]);
  return { p50_ms: at(0.5), p95_ms: at(0.95) };
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
