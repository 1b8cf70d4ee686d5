import { describe, expect, it } from 'vitest';
import { openDatabase } from './database.ts';
import { bucketProblem, queryMetricsSeries } from './metrics-series.ts';
import { RequestLog, type RequestRecord } from './request-log.ts';

const MIN = 60_000;
const NOW = 1_800_000_000_000 - (1_800_000_000_000 % MIN) + 30_000; // half a minute into a bucket

function row(over: Partial<RequestRecord>): RequestRecord {
  return {
    id: `r${Math.random()}`, ts: NOW, category: 'code', classifierMethod: 'keyword', requestedModel: 'router', target: 'openai/gpt-4.1', status: 200, outcome: 'ok',
    attempts: [], totalMs: 100, ttfbMs: 10, promptTokens: 1, completionTokens: 1, cachedTokens: 0, reasoningTokens: 0, costUsd: 0.01, costSource: 'upstream',
    stream: false, usageEstimated: false, userAgent: null, error: null, ...over,
  };
}

describe('queryMetricsSeries', () => {
  const db = openDatabase(':memory:');
  const log = new RequestLog(db, { flushDelayMs: 60_000 });
  for (const ms of [200, 200, 200, 400]) log.add(row({ totalMs: ms }));
  log.add(row({ ts: NOW - 2 * MIN, category: 'reasoning', target: 'local/qwen3', classifierMethod: 'llm', costUsd: 0 }));
  log.add(row({ ts: NOW - 2 * MIN, outcome: 'error', status: 503, target: null, costUsd: null, totalMs: 50 }));
  log.add(row({ ts: NOW - 2 * 3_600_000 })); // outside the hour
  log.flush();

  it('counts requests, success, cost and percentiles (from the roll-ups) per bucket aligned to the bucket size', () => {
    const s = queryMetricsSeries(db, { windowMs: 3_600_000, bucketMs: MIN, split: 'category', now: NOW });
    expect(s.buckets).toHaveLength(60);
    expect(s.buckets.at(-1)).toBe(NOW - 30_000);
    expect(s.totals.requests.at(-1)).toBe(4);
    // From the roll-ups' √2-wide histogram: inside the bin that holds 200 ms (181-256 ms), clamped to the latencies seen.
    expect(s.totals.p50_ms.at(-1)).toBeGreaterThanOrEqual(200);
    expect(s.totals.p50_ms.at(-1)).toBeLessThan(256);
    expect(s.totals.p95_ms.at(-1)).toBe(400);
    expect(s.totals.requests.at(-3)).toBe(2);
    expect(s.totals.success_rate.at(-3)).toBe(0.5);
    expect(s.totals.success_rate[0]).toBeNull();
    expect(s.summary).toMatchObject({ requests: 6, success_rate: 0.8333, cost_usd: 0.04 });
    expect(s.classifier_methods).toEqual({ keyword: 5, llm: 1 });
    expect(queryMetricsSeries(db, { windowMs: 3 * 3_600_000, bucketMs: 3_600_000, split: 'category', now: NOW }).classifier_methods).toEqual({ keyword: 6, llm: 1 });
  });

  it('counts the methods over index ranges, never reading the rows', () => {
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT COUNT(*) FROM requests WHERE classifier_method IS ? AND ts >= ? AND ts < ?`).all('keyword', 0, 1) as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join()).toContain('USING COVERING INDEX requests_method_ts');
  });

  it('refuses buckets the roll-ups cannot serve', () => {
    expect(bucketProblem(3_600_000, 30_000)).toMatch(/whole number of minutes/);
    expect(bucketProblem(7 * 86_400_000, 30 * MIN)).toMatch(/whole hours/);
    expect(bucketProblem(86_400_000, 30 * MIN)).toBeNull();
    expect(bucketProblem(30 * 86_400_000, 86_400_000)).toBeNull();
  });

  it('splits by category, target or provider, a request no target served counting as "no target"', () => {
    const byCategory = queryMetricsSeries(db, { windowMs: 3_600_000, bucketMs: MIN, split: 'category', now: NOW });
    expect(byCategory.breakdown.map((b) => [b.key, b.requests])).toEqual([['code', 5], ['reasoning', 1]]);
    const byProvider = queryMetricsSeries(db, { windowMs: 3_600_000, bucketMs: MIN, split: 'provider', now: NOW });
    expect(Object.keys(byProvider.series).sort()).toEqual(['local', 'no target', 'openai']);
    expect(byProvider.series.openai.requests.at(-1)).toBe(4);
    const byTarget = queryMetricsSeries(db, { windowMs: 3 * 3_600_000, bucketMs: 3_600_000, split: 'target', now: NOW });
    expect(byTarget.breakdown.find((b) => b.key === 'openai/gpt-4.1')?.requests).toBe(5);
  });
});
