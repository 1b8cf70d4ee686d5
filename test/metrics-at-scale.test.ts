// GET /metrics JSON over a large log: the figures come from roll-ups read through their primary
// key, and the only statement that reads the request log itself is the LIMITed latest rows, so the
// cost does not grow with the number of requests. Proved by the query plans, not by a time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../service/store/database.ts';
import { queryMetrics } from '../service/store/metrics-query.ts';
import { RequestLog } from '../service/store/request-log.ts';

const ROWS = 300_000;
const NOW = Date.UTC(2026, 10, 28, 12, 30);
let dir: string;
let db: Db;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'metrics-scale-'));
  db = openDatabase(path.join(dir, 'router.db'));
  // One request every 2 s over the last week, over 21 targets and 6 categories; every tenth failed.
  // Written through the request log, which keeps the roll-ups, in batches as under load.
  const log = new RequestLog(db, { flushDelayMs: 60_000, maxBufferedRows: 10_000 });
  for (let n = 0; n < ROWS; n++) {
    log.add({
      id: `r${n}`, ts: NOW - n * 2000, category: `cat${n % 6}`, classifierMethod: 'keyword', requestedModel: 'router', target: `prov${n % 3}/model${n % 7}`, status: 200,
      outcome: n % 10 === 0 ? 'error' : 'ok', attempts: [], totalMs: 50 + (n % 1000), ttfbMs: 20, promptTokens: 100, completionTokens: 20, cachedTokens: null,
      reasoningTokens: null, costUsd: 0.001, costSource: 'pricing', stream: false, usageEstimated: false, userAgent: null, error: null,
    });
    if (log.pending === 10_000) log.flush();
  }
  log.close();
}, 120_000);
afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs queryMetrics on a connection that notes every statement it runs, with its parameters. */
function traced(windowMs: number | null): { summary: ReturnType<typeof queryMetrics>; statements: Array<{ sql: string; params: unknown[] }> } {
  const statements: Array<{ sql: string; params: unknown[] }> = [];
  const bind = <T extends object>(target: T, prop: string | symbol) => {
    const value = Reflect.get(target, prop, target);
    return typeof value === 'function' ? value.bind(target) : value;
  };
  const spy = new Proxy(db, {
    get(target, prop) {
      if (prop !== 'prepare') return bind(target, prop);
      return (sql: string) =>
        new Proxy(target.prepare(sql), {
          get(statement, method) {
            if (method !== 'all' && method !== 'get' && method !== 'iterate') return bind(statement, method);
            return (...params: unknown[]) => {
              statements.push({ sql, params });
              return bind(statement, method)(...params);
            };
          },
        });
    },
  });
  return { summary: queryMetrics(spy, windowMs, 20, NOW), statements };
}

const plan = (sql: string, params: unknown[]) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail);

describe(`/metrics over ${ROWS.toLocaleString('en')} requests`, () => {
  for (const windowMs of [null, 3_600_000, 86_400_000]) {
    it(`reads roll-ups by key and only the latest rows of the log (window ${windowMs ?? 'all'})`, () => {
      const { statements } = traced(windowMs);
      const plans = statements.map((s) => ({ sql: s.sql, steps: plan(s.sql, s.params) }));
      for (const { steps } of plans) {
        // A full scan of a table (not of a subquery's result) is what made /metrics take seconds.
        expect(steps.filter((step) => /^SCAN (requests|request_rollup|attempt_rollup)\b/.test(step))).toEqual([]);
      }
      const readingLog = plans.filter((p) => p.steps.some((step) => /\brequests\b/.test(step)));
      expect(readingLog).toHaveLength(1);
      expect(readingLog[0].sql).toMatch(/ORDER BY ts DESC LIMIT \?/);
      expect(readingLog[0].steps.join('\n')).toContain('USING INDEX requests_ts');
      const readingRollups = plans.filter((p) => p.steps.some((step) => /(request|attempt)_rollup/.test(step)));
      expect(readingRollups.length).toBe(2);
      for (const p of readingRollups) for (const step of p.steps.filter((s) => /_rollup/.test(s))) expect(step).toMatch(/^SEARCH (request|attempt)_rollup USING PRIMARY KEY \(span=\? AND bucket>\?/);
    });
  }

  it('adds up to the same figures the rows give', () => {
    const { summary } = traced(null);
    expect(summary.requests).toEqual({ total: ROWS, success: ROWS * 0.9, failed: ROWS * 0.1, client_closed: 0 });
    expect(summary.total_tokens.prompt).toBe(ROWS * 100);
    expect(summary.total_cost_usd).toBeCloseTo(ROWS * 0.001, 6);
    expect(Object.values(summary.model_distribution).reduce((a, b) => a + b, 0)).toBe(ROWS);
    expect(summary.recent_requests).toHaveLength(20);

    const exact = (target: string, q: number) => {
      const { n } = db.prepare('SELECT COUNT(*) AS n FROM requests WHERE target = ?').get(target) as { n: number };
      return (db.prepare('SELECT total_ms FROM requests WHERE target = ? ORDER BY total_ms LIMIT 1 OFFSET ?').get(target, Math.ceil(q * n) - 1) as { total_ms: number }).total_ms;
    };
    for (const target of ['prov0/model0', 'prov2/model5']) {
      const t = summary.targets[target];
      expect(t.calls).toBe(db.prepare('SELECT COUNT(*) AS n FROM requests WHERE target = ?').pluck().get(target));
      // Percentiles come from √2-wide bins, interpolated: within a few percent of the exact ones.
      expect(Math.abs(t.p50_latency_ms! / exact(target, 0.5) - 1)).toBeLessThan(0.1);
      expect(Math.abs(t.p95_latency_ms! / exact(target, 0.95) - 1)).toBeLessThan(0.1);
    }
  });

  it('counts a window from the minute it starts in', () => {
    const { summary } = traced(3_600_000);
    const since = Math.floor((NOW - 3_600_000) / 60_000) * 60_000;
    expect(summary.requests.total).toBe(db.prepare('SELECT COUNT(*) AS n FROM requests WHERE ts >= ?').pluck().get(since));
  });
});
