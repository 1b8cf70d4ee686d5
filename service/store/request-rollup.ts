// Per-minute and per-hour roll-ups of the request log, kept by an SQLite trigger on every insert,
// so /metrics sums a few hundred rows instead of scanning the log. Latency percentiles come from
// a histogram of √2-wide bins (about ±10% within a bin, clamped to the observed min and max).

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

/** The bin of `expr` in SQL, as a CASE chain (no dependence on SQLite's optional math functions). */
function binSql(expr: string): string {
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
// NULL-safe, so no row (whoever wrote it) can make the trigger, and with it the insert, fail.
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
const SPANS = `(SELECT ${MINUTE_MS} AS span UNION ALL SELECT ${HOUR_MS})`;
const UPSERT = `ON CONFLICT (span, bucket, category, target) DO UPDATE SET
  ${[...SUM_COLUMNS, ...BIN_COLUMNS].map((c) => `${c} = ${c} + excluded.${c}`).join(', ')},
  ms_min = MIN(COALESCE(ms_min, excluded.ms_min), excluded.ms_min),
  ms_max = MAX(COALESCE(ms_max, excluded.ms_max), excluded.ms_max)`;

const TRIGGER = `CREATE TRIGGER requests_rollup AFTER INSERT ON requests BEGIN
  INSERT INTO request_rollup (${COLUMNS})
  SELECT ${contribution((e) => `SUM(${e})`)}
    FROM (SELECT NEW.ts AS ts, NEW.category AS category, NEW.target AS target, NEW.outcome AS outcome, NEW.total_ms AS total_ms, NEW.ttfb_ms AS ttfb_ms,
                 NEW.prompt_tokens AS prompt_tokens, NEW.completion_tokens AS completion_tokens, NEW.cached_tokens AS cached_tokens,
                 NEW.reasoning_tokens AS reasoning_tokens, NEW.cost_usd AS cost_usd, NEW.cost_source AS cost_source, NEW.usage_estimated AS usage_estimated,
                 ${binSql('NEW.total_ms')} AS bin) r, ${SPANS} s
   WHERE true
   GROUP BY s.span
  ${UPSERT};
END;`;

/** Existing rows, rolled up once when the migration runs. */
const BACKFILL = `INSERT INTO request_rollup (${COLUMNS})
  SELECT ${contribution((e) => `SUM(${e})`)}
    FROM (SELECT *, ${binSql('total_ms')} AS bin FROM requests) r, ${SPANS} s
   WHERE true
   GROUP BY 1, 2, 3, 4;`;

export const ROLLUP_MIGRATION = [TABLE, TRIGGER, BACKFILL].join('\n');
