// Aggregates for GET /metrics: totals from the roll-ups, the latest rows from the request log.
import type { Db } from './database.ts';
import { MINUTE_ROLLUP_KEEP_MS } from './log-retention.ts';
import { BIN_COLUMNS, HOUR_MS, MINUTE_MS, SUM_COLUMNS, percentile, type SumColumn } from './request-rollup.ts';
import { queryAttemptMetrics, type AttemptMetrics } from './attempt-metrics-query.ts';
import { recentRequests } from './request-query.ts';

export interface TargetMetrics {
  calls: number;
  success_rate: number;
  p50_latency_ms: number | null;
  p95_latency_ms: number | null;
  avg_ttfb_ms: number | null;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
  /** Every attempt at this target, whichever target served the request in the end. */
  attempts?: AttemptMetrics;
}

export interface MetricsSummary {
  window_ms: number | null;
  requests: { total: number; success: number; failed: number; client_closed: number };
  avg_latency_ms: number;
  total_cost_usd: number;
  /** Where the recorded costs came from; `unpriced` and `estimated` count requests. */
  cost: { by_source: Record<string, number>; unpriced_requests: number; estimated_requests: number };
  total_tokens: { prompt: number; completion: number; cached: number; reasoning: number };
  model_distribution: Record<string, number>;
  category_distribution: Record<string, number>;
  provider_distribution: Record<string, number>;
  targets: Record<string, TargetMetrics>;
  categories: Record<string, { calls: number; cost_usd: number }>;
  recent_requests: unknown[];
  /** The response cache (service/cache), when the gateway has one. */
  cache?: Record<string, unknown>;
}

/**
 * Sums the roll-ups (request-rollup.ts) over the window: whole hours from the hour roll-up, the
 * part before the first whole hour from the minute roll-up, so the cost depends on the window's
 * length in hours and the number of targets, never on the number of requests. The window starts
 * at a whole minute (at a whole hour past the two days minute roll-ups are kept).
 */
export function queryMetrics(db: Db, windowMs: number | null, recentLimit = 20, now = Date.now()): MetricsSummary {
  const since = windowMs === null ? 0 : now - windowMs;
  const { hourFrom, minuteFrom } = windowBuckets(windowMs === null ? null : since, now);
  return summarizeMetrics(windowMs, {
    rollup: db.prepare(ROLLUP_QUERY).all(hourFrom, minuteFrom, hourFrom) as RollupRow[],
    attempts: queryAttemptMetrics(db, hourFrom, minuteFrom),
    recent: recentRequests(db, since, recentLimit),
  });
}

export type RollupRow = Record<string, number | string | null>;

/** The summary from ROLLUP_QUERY's rows, the attempt figures and the latest rows, whichever store they came from. */
export function summarizeMetrics(windowMs: number | null, read: { rollup: RollupRow[]; attempts: Record<string, AttemptMetrics>; recent: unknown[] }): MetricsSummary {
  const groups = read.rollup.map(toGroup);

  const all = emptyGroup();
  const byTarget = new Map<string, RollupGroup>();
  const byCategory = new Map<string, RollupGroup>();
  const byProvider = new Map<string, number>();
  for (const g of groups) {
    addInto(all, g);
    if (g.target !== '') {
      addInto(mapGet(byTarget, g.target), g);
      const provider = g.target.includes('/') ? g.target.slice(0, g.target.indexOf('/')) : '';
      byProvider.set(provider, (byProvider.get(provider) ?? 0) + g.n);
    }
    if (g.category !== '') addInto(mapGet(byCategory, g.category), g);
  }

  const total = all.n;
  const success = all.ok;
  const closed = all.client_closed;
  const bySource: Record<string, number> = {};
  if (all.n_upstream > 0) bySource.upstream = round(all.cost_upstream, 6);
  if (all.n_pricing > 0) bySource.pricing = round(all.cost_pricing, 6);
  if (all.n_estimated > 0) bySource.estimated = round(all.cost_estimated, 6);
  const distribution = (entries: Iterable<[string, number]>) => Object.fromEntries([...entries].sort((a, b) => b[1] - a[1]));
  return {
    window_ms: windowMs,
    requests: { total, success, failed: total - success - closed, client_closed: closed },
    avg_latency_ms: total ? round(all.ms_sum / total) : 0,
    total_cost_usd: round(all.cost_usd, 6),
    cost: { by_source: bySource, unpriced_requests: all.unpriced, estimated_requests: all.estimated },
    total_tokens: { prompt: all.prompt, completion: all.completion, cached: all.cached, reasoning: all.reasoning },
    model_distribution: distribution([...byTarget].map(([k, g]) => [k, g.n])),
    category_distribution: distribution([...byCategory].map(([k, g]) => [k, g.n])),
    provider_distribution: distribution(byProvider),
    targets: withAttempts(Object.fromEntries([...byTarget].map(([target, g]) => [target, targetMetrics(g)])), read.attempts),
    categories: Object.fromEntries([...byCategory].map(([k, g]) => [k, { calls: g.n, cost_usd: round(g.cost_usd, 6) }])),
    recent_requests: read.recent,
  };
}

/** The first hour bucket and first minute bucket a window covers; null is the whole log. */
export function windowBuckets(since: number | null, now: number): { hourFrom: number; minuteFrom: number } {
  if (since === null) return { hourFrom: -Number.MAX_SAFE_INTEGER, minuteFrom: -Number.MAX_SAFE_INTEGER };
  // Past the minute roll-ups' keep, the window starts at the whole hour (a little more than asked, never less).
  if (since < now - MINUTE_ROLLUP_KEEP_MS) return { hourFrom: Math.floor(since / HOUR_MS) * HOUR_MS, minuteFrom: 0 };
  return { hourFrom: Math.ceil(since / HOUR_MS) * HOUR_MS, minuteFrom: Math.floor(since / MINUTE_MS) * MINUTE_MS };
}

type RollupGroup = { category: string; target: string; ms_min: number | null; ms_max: number | null; bins: number[] } & Record<SumColumn, number>;

function toGroup(row: Record<string, number | string | null>): RollupGroup {
  const g = { category: String(row.category), target: String(row.target), ms_min: row.ms_min as number | null, ms_max: row.ms_max as number | null, bins: BIN_COLUMNS.map((c) => Number(row[c] ?? 0)) } as RollupGroup;
  for (const c of SUM_COLUMNS) g[c] = Number(row[c] ?? 0);
  return g;
}

export const ROLLUP_QUERY = `SELECT category, target, ${SUM_COLUMNS.map((c) => `SUM(${c}) AS ${c}`).join(', ')}, MIN(ms_min) AS ms_min, MAX(ms_max) AS ms_max,
       ${BIN_COLUMNS.map((c) => `SUM(${c}) AS ${c}`).join(', ')}
  FROM (SELECT * FROM request_rollup WHERE span = ${HOUR_MS} AND bucket >= ?
        UNION ALL
        SELECT * FROM request_rollup WHERE span = ${MINUTE_MS} AND bucket >= ? AND bucket < ?) AS spans
 GROUP BY category, target`;

/** Adds each target's attempts; a target that was tried but never served still gets an entry. */
function withAttempts(targets: Record<string, TargetMetrics>, attempts: Record<string, AttemptMetrics>): Record<string, TargetMetrics> {
  for (const [target, a] of Object.entries(attempts)) {
    targets[target] ??= targetMetrics(emptyGroup());
    targets[target].attempts = a;
  }
  return targets;
}

function emptyGroup(): RollupGroup {
  const g = { category: '', target: '', ms_min: null, ms_max: null, bins: BIN_COLUMNS.map(() => 0) } as unknown as RollupGroup;
  for (const c of SUM_COLUMNS) g[c] = 0;
  return g;
}

function mapGet(map: Map<string, RollupGroup>, key: string): RollupGroup {
  let g = map.get(key);
  if (!g) map.set(key, (g = emptyGroup()));
  return g;
}

function addInto(into: RollupGroup, g: RollupGroup): void {
  for (const c of SUM_COLUMNS) into[c] += g[c];
  for (let i = 0; i < g.bins.length; i++) into.bins[i] += g.bins[i];
  if (g.ms_min !== null && (into.ms_min === null || g.ms_min < into.ms_min)) into.ms_min = g.ms_min;
  if (g.ms_max !== null && (into.ms_max === null || g.ms_max > into.ms_max)) into.ms_max = g.ms_max;
}

function targetMetrics(g: RollupGroup): TargetMetrics {
  const { bins } = g;
  return {
    calls: g.n,
    success_rate: g.n ? round(g.ok / g.n, 4) : 0,
    p50_latency_ms: percentile(bins, g.ms_min, g.ms_max, 0.5),
    p95_latency_ms: percentile(bins, g.ms_min, g.ms_max, 0.95),
    avg_ttfb_ms: g.ttfb_n ? round(g.ttfb_sum / g.ttfb_n) : null,
    prompt_tokens: g.prompt,
    completion_tokens: g.completion,
    cached_tokens: g.cached,
    reasoning_tokens: g.reasoning,
    cost_usd: round(g.cost_usd, 6),
  };
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
