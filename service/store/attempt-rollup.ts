// Per-minute and per-hour roll-ups of every attempt at every target, whichever target finally
// served the request: calls, outcomes, errors by kind and the attempt's own time. Kept by the
// request log in the same transaction as the rows (see request-rollup.ts), read by /metrics.
import { BIN_COLUMNS, HOUR_MS, MINUTE_MS, SPANS, binOf, binSql } from './request-rollup.ts';
import { FIELD_LIMITS, finite, text } from './request-row.ts';

/**
 * What an attempt was: `ok`, `breaker_open`, `cooling_down`, `skipped`, or `error:<kind>` where the
 * kind is `http_<status>` for an upstream error status, else the failure's kind (timeout, network,
 * stream, invalid-response, aborted) or `unknown`.
 */
export function attemptKind(outcome: string | null, status: number | null, kind: string | null): string {
  if (outcome !== 'error') return outcome ?? 'unknown';
  if (status !== null && (kind === null || kind === 'http')) return `error:http_${status}`;
  return `error:${kind ?? 'unknown'}`;
}

const TABLE = `CREATE TABLE attempt_rollup (
  span INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  target TEXT NOT NULL,
  kind TEXT NOT NULL,
  n INTEGER NOT NULL DEFAULT 0,
  ms_sum REAL NOT NULL DEFAULT 0,
  ms_min REAL,
  ms_max REAL,
  ${BIN_COLUMNS.map((c) => `${c} INTEGER NOT NULL DEFAULT 0`).join(', ')},
  PRIMARY KEY (span, bucket, target, kind)
) WITHOUT ROWID;`;

const COLUMNS = ['span', 'bucket', 'target', 'kind', 'n', 'ms_sum', 'ms_min', 'ms_max', ...BIN_COLUMNS].join(', ');

/** The attempts stored in older rows, rolled up once by the migration (the same kinds as attemptKind). */
const BACKFILL = `INSERT INTO attempt_rollup (${COLUMNS})
  SELECT s.span, CAST(a.ts / s.span AS INTEGER) * s.span, a.target, a.kind, COUNT(*), SUM(a.ms), MIN(a.ms), MAX(a.ms),
         ${BIN_COLUMNS.map((_, i) => `SUM(a.bin = ${i})`).join(', ')}
    FROM (SELECT r.ts, json_extract(e.value, '$.target') AS target, COALESCE(json_extract(e.value, '$.ms'), 0) AS ms,
                 ${binSql("COALESCE(json_extract(e.value, '$.ms'), 0)")} AS bin,
                 CASE WHEN json_extract(e.value, '$.outcome') IS NOT 'error' THEN COALESCE(json_extract(e.value, '$.outcome'), 'unknown')
                      WHEN json_extract(e.value, '$.status') IS NOT NULL AND COALESCE(json_extract(e.value, '$.kind'), 'http') = 'http'
                        THEN 'error:http_' || json_extract(e.value, '$.status')
                      ELSE 'error:' || COALESCE(json_extract(e.value, '$.kind'), 'unknown') END AS kind
            FROM requests r, json_each(CASE WHEN json_valid(r.attempts) THEN r.attempts ELSE '[]' END) e) a, ${SPANS} s
   WHERE a.target IS NOT NULL
   GROUP BY 1, 2, 3, 4;`;

export const ATTEMPT_ROLLUP_MIGRATION = [TABLE, BACKFILL].join('\n');

export const ATTEMPT_ROLLUP_UPSERT = `INSERT INTO attempt_rollup (${COLUMNS}) VALUES (${COLUMNS.split(', ').map(() => '?').join(', ')})
  ON CONFLICT (span, bucket, target, kind) DO UPDATE SET
  n = n + excluded.n, ms_sum = ms_sum + excluded.ms_sum,
  ms_min = MIN(COALESCE(ms_min, excluded.ms_min), excluded.ms_min),
  ms_max = MAX(COALESCE(ms_max, excluded.ms_max), excluded.ms_max),
  ${BIN_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`;

interface Group {
  key: [span: number, bucket: number, target: string, kind: string];
  n: number;
  sum: number;
  min: number;
  max: number;
  bins: number[];
}

/** One batch's attempts, grouped by span, bucket, target and kind. */
export class AttemptRollupBatch {
  readonly #groups = new Map<string, Group>();

  /** Adds a request's attempts (as the walker recorded them; coerced here like the row's columns). */
  add(ts: number, attempts: readonly unknown[]): void {
    const count = Math.min(attempts.length, FIELD_LIMITS.attempts);
    for (let i = 0; i < count; i++) {
      const a = attempts[i] as Record<string, unknown> | null;
      const target = text(a?.target, FIELD_LIMITS.target);
      if (target === null) continue;
      const status = finite(a?.status);
      const kind = attemptKind(text(a?.outcome, FIELD_LIMITS.outcome), status === null ? null : Math.round(status), text(a?.kind, FIELD_LIMITS.outcome));
      const ms = finite(a?.ms) ?? 0;
      for (const span of [MINUTE_MS, HOUR_MS]) {
        const bucket = Math.floor(ts / span) * span;
        const id = `${span}\u0000${bucket}\u0000${target}\u0000${kind}`;
        let g = this.#groups.get(id);
        if (!g) {
          g = { key: [span, bucket, target, kind], n: 0, sum: 0, min: ms, max: ms, bins: BIN_COLUMNS.map(() => 0) };
          this.#groups.set(id, g);
        }
        g.n++;
        g.sum += ms;
        if (ms < g.min) g.min = ms;
        if (ms > g.max) g.max = ms;
        g.bins[binOf(ms)]++;
      }
    }
  }

  /** Parameter lists for ATTEMPT_ROLLUP_UPSERT, one per group. */
  *rows(): Generator<Array<number | string>> {
    for (const g of this.#groups.values()) yield [...g.key, g.n, g.sum, g.min, g.max, ...g.bins];
  }
}
