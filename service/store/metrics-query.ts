// Aggregates for GET /metrics, computed from the request log.
import type { Db } from './database.ts';

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
}

export function queryMetrics(db: Db, windowMs: number | null, recentLimit = 20): MetricsSummary {
  const since = windowMs === null ? 0 : Date.now() - windowMs;
  const totals = db
    .prepare(
      `SELECT COUNT(*) AS total,
              SUM(outcome = 'ok') AS success,
              SUM(outcome = 'client_closed') AS closed,
              AVG(total_ms) AS avg_ms,
              SUM(COALESCE(cost_usd, 0)) AS cost,
              SUM(COALESCE(prompt_tokens, 0)) AS prompt,
              SUM(COALESCE(completion_tokens, 0)) AS completion,
              SUM(COALESCE(cached_tokens, 0)) AS cached,
              SUM(COALESCE(reasoning_tokens, 0)) AS reasoning,
              SUM(target IS NOT NULL AND cost_source = 'unpriced') AS unpriced,
              SUM(target IS NOT NULL AND usage_estimated = 1) AS estimated
         FROM requests WHERE ts >= ?`,
    )
    .get(since) as Record<'total' | 'success' | 'closed' | 'avg_ms' | 'cost' | 'prompt' | 'completion' | 'cached' | 'reasoning' | 'unpriced' | 'estimated', number | null>;
  const bySource = db
    .prepare(`SELECT cost_source AS k, SUM(cost_usd) AS usd FROM requests WHERE ts >= ? AND cost_usd IS NOT NULL GROUP BY k`)
    .all(since) as Array<{ k: string; usd: number }>;

  const distribution = (column: string) =>
    Object.fromEntries(
      (db.prepare(`SELECT ${column} AS k, COUNT(*) AS n FROM requests WHERE ts >= ? AND ${column} IS NOT NULL GROUP BY k ORDER BY n DESC`).all(since) as Array<{ k: string; n: number }>).map(
        (r) => [r.k, r.n],
      ),
    );

  const total = totals.total ?? 0;
  const success = totals.success ?? 0;
  const closed = totals.closed ?? 0;
  return {
    window_ms: windowMs,
    requests: { total, success, failed: total - success - closed, client_closed: closed },
    avg_latency_ms: round(totals.avg_ms ?? 0),
    total_cost_usd: round(totals.cost ?? 0, 6),
    cost: {
      by_source: Object.fromEntries(bySource.map((r) => [r.k, round(r.usd, 6)])),
      unpriced_requests: totals.unpriced ?? 0,
      estimated_requests: totals.estimated ?? 0,
    },
    total_tokens: { prompt: totals.prompt ?? 0, completion: totals.completion ?? 0, cached: totals.cached ?? 0, reasoning: totals.reasoning ?? 0 },
    model_distribution: distribution('target'),
    category_distribution: distribution('category'),
    provider_distribution: distribution(`substr(target, 1, instr(target, '/') - 1)`),
    targets: targetMetrics(db, since),
    categories: Object.fromEntries(
      (db.prepare(`SELECT category AS k, COUNT(*) AS n, SUM(COALESCE(cost_usd, 0)) AS cost FROM requests WHERE ts >= ? AND category IS NOT NULL GROUP BY k`).all(since) as Array<{ k: string; n: number; cost: number }>).map(
        (r) => [r.k, { calls: r.n, cost_usd: round(r.cost, 6) }],
      ),
    ),
    recent_requests: recent(db, since, recentLimit),
  };
}

function targetMetrics(db: Db, since: number): Record<string, TargetMetrics> {
  const rows = db
    .prepare(`SELECT target, outcome, total_ms, ttfb_ms, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, cost_usd FROM requests WHERE ts >= ? AND target IS NOT NULL`)
    .all(since) as Array<{
    target: string;
    outcome: string;
    total_ms: number;
    ttfb_ms: number | null;
    prompt_tokens: number | null;
    completion_tokens: number | null;
    cached_tokens: number | null;
    reasoning_tokens: number | null;
    cost_usd: number | null;
  }>;
  const groups = new Map<string, typeof rows>();
  for (const row of rows) {
    const list = groups.get(row.target);
    if (list) list.push(row);
    else groups.set(row.target, [row]);
  }
  const out: Record<string, TargetMetrics> = {};
  for (const [target, list] of groups) {
    const latencies = list.map((r) => r.total_ms).sort((a, b) => a - b);
    const ttfbs = list.map((r) => r.ttfb_ms).filter((v): v is number => v !== null);
    out[target] = {
      calls: list.length,
      success_rate: round(list.filter((r) => r.outcome === 'ok').length / list.length, 4),
      p50_latency_ms: percentile(latencies, 0.5),
      p95_latency_ms: percentile(latencies, 0.95),
      avg_ttfb_ms: ttfbs.length ? round(ttfbs.reduce((s, v) => s + v, 0) / ttfbs.length) : null,
      prompt_tokens: list.reduce((s, r) => s + (r.prompt_tokens ?? 0), 0),
      completion_tokens: list.reduce((s, r) => s + (r.completion_tokens ?? 0), 0),
      cached_tokens: list.reduce((s, r) => s + (r.cached_tokens ?? 0), 0),
      reasoning_tokens: list.reduce((s, r) => s + (r.reasoning_tokens ?? 0), 0),
      cost_usd: round(list.reduce((s, r) => s + (r.cost_usd ?? 0), 0), 6),
    };
  }
  return out;
}

function recent(db: Db, since: number, limit: number): unknown[] {
  const rows = db
    .prepare(
      `SELECT id, ts, category, classifier_method, requested_model, target, status, outcome, attempts, total_ms, ttfb_ms,
              prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, cost_usd, cost_source, usage_estimated, stream, error
         FROM requests WHERE ts >= ? ORDER BY ts DESC LIMIT ?`,
    )
    .all(since, limit) as Array<Record<string, unknown>>;
  return rows.map((r) => ({
    ...r,
    timestamp: new Date(r.ts as number).toISOString(),
    attempts: JSON.parse(r.attempts as string),
    stream: r.stream === 1,
    usage_estimated: r.usage_estimated === 1,
  }));
}

function percentile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]);
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
