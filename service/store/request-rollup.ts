// Per-minute and per-hour roll-ups of the request log, so /metrics sums a few hundred rows instead
// of scanning the log. The request log adds each written batch's roll-up in the same transaction
// (one upsert per minute/hour, category and target in the batch, not per row: a per-row trigger
// cost 30-60 µs a row). Latency percentiles come from a histogram of √2-wide bins, clamped to the
// observed min and max.
import type { RowValues } from './request-row.ts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** Bins 0…39 end at 2^((i+1)/2) ms (1.4 ms … 17 min); bin 40 holds everything longer. */
export const LATENCY_BINS = 41;
export const BIN_COLUMNS = Array.from({ length: LATENCY_BINS }, (_, i) => `h${i}`);

export function binUpperMs(bin: number): number {
  return 2 ** ((bin + 1) / 2);
}

export function binOf(ms: number): number {
  if (!(ms >= binUpperMs(0))) return 0;
  return Math.min(LATENCY_BINS - 1, Math.floor(2 * Math.log2(ms)));
}

/**
 * The q-quantile from histogram counts: the bin holding the rank, then a geometric interpolation
 * of the rank's place inside it, clamped to the smallest and largest value seen.
 */
export function percentile(bins: readonly number[], min: number | null, max: number | null, q: number): number | null {
  const n = bins.reduce((s, c) => s + c, 0);
  if (n === 0 || min === null || max === null) return null;
  const rank = Math.max(1, Math.ceil(q * n));
  if (rank >= n) return roundMs(max);
  if (rank === 1) return roundMs(min);
  let before = 0;
  for (let i = 0; i < bins.length; i++) {
    if (before + bins[i] < rank) {
      before += bins[i];
      continue;
    }
    const lo = Math.max(min, i === 0 ? 0 : binUpperMs(i - 1));
    const hi = Math.min(max, i === bins.length - 1 ? max : binUpperMs(i));
    const at = (rank - before - 0.5) / bins[i];
    const value = lo > 0 ? lo * (hi / lo) ** at : hi * at;
    return roundMs(Math.min(max, Math.max(min, value)));
  }
  return roundMs(max);
}

function roundMs(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The bin of `expr` in SQL, as a CASE chain (no dependence on SQLite's optional math functions). */
export function binSql(expr: string): string {
  const whens = Array.from({ length: LATENCY_BINS - 1 }, (_, i) => `WHEN ${expr} < ${binUpperMs(i)} THEN ${i}`).join(' ');
  return `CASE ${whens} ELSE ${LATENCY_BINS - 1} END`;
}

export const SUM_COLUMNS = ['n', 'ok', 'client_closed', 'ms_sum', 'ttfb_sum', 'ttfb_n', 'prompt', 'completion', 'cached', 'reasoning', 'cost_usd', 'n_upstream', 'cost_upstream', 'n_pricing', 'cost_pricing', 'n_estimated', 'cost_estimated', 'unpriced', 'estimated'] as const;
export type SumColumn = (typeof SUM_COLUMNS)[number];

/** What one request row (`r`) adds to each summed column of its roll-up rows. */
const PER_ROW: Record<SumColumn, string> = {
  n: '1',
  ok: "r.outcome = 'ok'",
  client_closed: "r.outcome = 'client_closed'",
  ms_sum: 'r.total_ms',
  ttfb_sum: 'COALESCE(r.ttfb_ms, 0)',
  ttfb_n: 'r.ttfb_ms IS NOT NULL',
  prompt: 'COALESCE(r.prompt_tokens, 0)',
  completion: 'COALESCE(r.completion_tokens, 0)',
  cached: 'COALESCE(r.cached_tokens, 0)',
  reasoning: 'COALESCE(r.reasoning_tokens, 0)',
  cost_usd: 'COALESCE(r.cost_usd, 0)',
  n_upstream: "r.cost_source = 'upstream' AND r.cost_usd IS NOT NULL",
  cost_upstream: "CASE WHEN r.cost_source = 'upstream' THEN COALESCE(r.cost_usd, 0) ELSE 0 END",
  n_pricing: "r.cost_source = 'pricing' AND r.cost_usd IS NOT NULL",
  cost_pricing: "CASE WHEN r.cost_source = 'pricing' THEN COALESCE(r.cost_usd, 0) ELSE 0 END",
  n_estimated: "r.cost_source = 'estimated' AND r.cost_usd IS NOT NULL",
  cost_estimated: "CASE WHEN r.cost_source = 'estimated' THEN COALESCE(r.cost_usd, 0) ELSE 0 END",
  unpriced: "r.target IS NOT NULL AND r.cost_source = 'unpriced'",
  estimated: 'r.target IS NOT NULL AND r.usage_estimated = 1',
};
// NULL-safe, so the backfill counts rows an older version (or anyone) wrote with NULLs.
const SUMS = SUM_COLUMNS.map((c) => [c, `COALESCE(${PER_ROW[c]}, 0)`] as const);

const TABLE = `CREATE TABLE request_rollup (
  span INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  category TEXT NOT NULL,
  target TEXT NOT NULL,
  ${SUMS.map(([c]) => `${c} REAL NOT NULL DEFAULT 0`).join(',\n  ')},
  ms_min REAL,
  ms_max REAL,
  ${BIN_COLUMNS.map((c) => `${c} INTEGER NOT NULL DEFAULT 0`).join(', ')},
  PRIMARY KEY (span, bucket, category, target)
) WITHOUT ROWID;`;

/** What request rows (`r`, each with its latency bin) contribute, per span in `s`. */
function contribution(aggregate: (expr: string) => string): string {
  return [
    's.span',
    'CAST(r.ts / s.span AS INTEGER) * s.span',
    "COALESCE(r.category, '')",
    "COALESCE(r.target, '')",
    ...SUMS.map(([, perRow]) => aggregate(perRow)),
    `MIN(r.total_ms)`,
    `MAX(r.total_ms)`,
    ...BIN_COLUMNS.map((_, i) => aggregate(`r.bin = ${i}`)),
  ].join(', ');
}

const COLUMNS = ['span', 'bucket', 'category', 'target', ...SUM_COLUMNS, 'ms_min', 'ms_max', ...BIN_COLUMNS].join(', ');
export const SPANS = `(SELECT ${MINUTE_MS} AS span UNION ALL SELECT ${HOUR_MS})`;
const UPSERT = `ON CONFLICT (span, bucket, category, target) DO UPDATE SET
  ${[...SUM_COLUMNS, ...BIN_COLUMNS].map((c) => `${c} = ${c} + excluded.${c}`).join(', ')},
  ms_min = MIN(COALESCE(ms_min, excluded.ms_min), excluded.ms_min),
  ms_max = MAX(COALESCE(ms_max, excluded.ms_max), excluded.ms_max)`;

/** Existing rows, rolled up once when the migration runs. */
const BACKFILL = `INSERT INTO request_rollup (${COLUMNS})
  SELECT ${contribution((e) => `SUM(${e})`)}
    FROM (SELECT *, ${binSql('total_ms')} AS bin FROM requests) r, ${SPANS} s
   WHERE true
   GROUP BY 1, 2, 3, 4;`;

export const ROLLUP_MIGRATION = [TABLE, BACKFILL].join('\n');

/** Adds one group's sums to its roll-up row; parameters in COLUMNS order. */
export const ROLLUP_UPSERT = `INSERT INTO request_rollup (${COLUMNS}) VALUES (${COLUMNS.split(', ').map(() => '?').join(', ')}) ${UPSERT}`;

/** What one written row adds, in SUM_COLUMNS order; the same as PER_ROW's SQL, for rows as RequestLog binds them. */
function contributions(v: RowValues): number[] {
  const [, , , , , target, , outcome, , , totalMs, ttfbMs, prompt, completion, cached, reasoning, costUsd, costSource, , , , usageEstimated] = v;
  const cost = costUsd ?? 0;
  const priced = costUsd !== null;
  return [
    1,
    outcome === 'ok' ? 1 : 0,
    outcome === 'client_closed' ? 1 : 0,
    totalMs,
    ttfbMs ?? 0,
    ttfbMs === null ? 0 : 1,
    prompt ?? 0,
    completion ?? 0,
    cached ?? 0,
    reasoning ?? 0,
    cost,
    priced && costSource === 'upstream' ? 1 : 0,
    costSource === 'upstream' ? cost : 0,
    priced && costSource === 'pricing' ? 1 : 0,
    costSource === 'pricing' ? cost : 0,
    priced && costSource === 'estimated' ? 1 : 0,
    costSource === 'estimated' ? cost : 0,
    target !== null && costSource === 'unpriced' ? 1 : 0,
    target !== null && usageEstimated === 1 ? 1 : 0,
  ];
}

interface Group {
  key: [span: number, bucket: number, category: string, target: string];
  sums: number[];
  min: number;
  max: number;
  bins: number[];
}

/** The roll-up of one batch of written rows, grouped by span, bucket, category and target. */
export class RollupBatch {
  readonly #groups = new Map<string, Group>();

  add(v: RowValues): void {
    const ts = v[1];
    const category = v[2] ?? '';
    const target = v[5] ?? '';
    const ms = v[10];
    const add = contributions(v);
    const bin = binOf(ms);
    for (const span of [MINUTE_MS, HOUR_MS]) {
      const bucket = Math.floor(ts / span) * span;
      const id = `${span}\u0000${bucket}\u0000${category}\u0000${target}`;
      let g = this.#groups.get(id);
      if (!g) {
        g = { key: [span, bucket, category, target], sums: add.map(() => 0), min: ms, max: ms, bins: BIN_COLUMNS.map(() => 0) };
        this.#groups.set(id, g);
      }
      for (let i = 0; i < add.length; i++) g.sums[i] += add[i];
      if (ms < g.min) g.min = ms;
      if (ms > g.max) g.max = ms;
      g.bins[bin]++;
    }
  }

  /** Parameter lists for ROLLUP_UPSERT, one per group. */
  *rows(): Generator<Array<number | string>> {
    for (const g of this.#groups.values()) yield [...g.key, ...g.sums, g.min, g.max, ...g.bins];
  }
}
