// Per-target figures over every attempt (attempt-rollup.ts): a target that failed on every attempt
// shows up, and its latency is its own attempts' time, not the whole request's.
import type { Db } from './database.ts';
import { BIN_COLUMNS, HOUR_MS, MINUTE_MS, percentile } from './request-rollup.ts';

export interface AttemptMetrics {
  /** Attempts that called the target (answered or failed). */
  calls: number;
  success_rate: number | null;
  /** Failed calls by kind: `http_<status>`, `timeout`, `network`, `stream`, `invalid-response`, … */
  errors: Record<string, number>;
  p50_attempt_ms: number | null;
  p95_attempt_ms: number | null;
  /** Attempts refused without a call because the target's breaker was open. */
  rejects: number;
  /** Attempts skipped while the target cooled down after a 429. */
  cooling_down: number;
  /** Attempts skipped for another reason (provider not configured, context window too small). */
  skipped: number;
}

export const ATTEMPT_QUERY = `SELECT target, kind, SUM(n) AS n, MIN(ms_min) AS ms_min, MAX(ms_max) AS ms_max, ${BIN_COLUMNS.map((c) => `SUM(${c}) AS ${c}`).join(', ')}
  FROM (SELECT * FROM attempt_rollup WHERE span = ${HOUR_MS} AND bucket >= ?
        UNION ALL
        SELECT * FROM attempt_rollup WHERE span = ${MINUTE_MS} AND bucket >= ? AND bucket < ?) AS spans
 GROUP BY target, kind`;

interface Called {
  bins: number[];
  min: number | null;
  max: number | null;
}

/** Attempt figures by target over the roll-up buckets from `hourFrom` (hours) and `minuteFrom` up to it (minutes). */
export function queryAttemptMetrics(db: Db, hourFrom: number, minuteFrom: number): Record<string, AttemptMetrics> {
  return summarizeAttempts(db.prepare(ATTEMPT_QUERY).all(hourFrom, minuteFrom, hourFrom) as Array<Record<string, number | string | null>>);
}

/** Attempt figures by target from ATTEMPT_QUERY's rows, whichever store they came from. */
export function summarizeAttempts(rows: Array<Record<string, number | string | null>>): Record<string, AttemptMetrics> {
  const out: Record<string, AttemptMetrics> = {};
  const called = new Map<string, Called>();
  const answered = new Map<string, number>();
  for (const row of rows) {
    const target = String(row.target);
    const kind = String(row.kind);
    const n = Number(row.n);
    const m = (out[target] ??= { calls: 0, success_rate: null, errors: {}, p50_attempt_ms: null, p95_attempt_ms: null, rejects: 0, cooling_down: 0, skipped: 0 });
    if (kind === 'breaker_open') m.rejects += n;
    else if (kind === 'cooling_down') m.cooling_down += n;
    else if (kind === 'ok' || kind.startsWith('error:')) {
      m.calls += n;
      if (kind === 'ok') answered.set(target, n);
      else m.errors[kind.slice('error:'.length)] = n;
      const c = called.get(target) ?? { bins: BIN_COLUMNS.map(() => 0), min: null, max: null };
      BIN_COLUMNS.forEach((col, i) => (c.bins[i] += Number(row[col] ?? 0)));
      const min = row.ms_min as number | null;
      const max = row.ms_max as number | null;
      if (min !== null && (c.min === null || min < c.min)) c.min = min;
      if (max !== null && (c.max === null || max > c.max)) c.max = max;
      called.set(target, c);
    } else m.skipped += n;
  }
  for (const [target, m] of Object.entries(out)) {
    m.success_rate = m.calls ? Math.round(((answered.get(target) ?? 0) / m.calls) * 10_000) / 10_000 : null;
    const c = called.get(target);
    if (c) {
      m.p50_attempt_ms = percentile(c.bins, c.min, c.max, 0.5);
      m.p95_attempt_ms = percentile(c.bins, c.min, c.max, 0.95);
    }
  }
  return out;
}
