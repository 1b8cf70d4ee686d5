// The dashboard's overview series from the PostgreSQL request log: the same roll-up rows and method
// counts as SQLite's (metrics-series.ts), turned into the same answer by the same code.
import { buildMetricsSeries, CLASSIFIER_METHODS_QUERY, SERIES_ROLLUP_QUERY, seriesRange, type MetricsSeries, type SeriesQuery, type SeriesRollupRow } from '../metrics-series.ts';
import type { PgPool } from './pg-database.ts';
import { numbered } from './pg-request-log-reader.ts';

export async function queryPgMetricsSeries(pool: PgPool, query: SeriesQuery): Promise<MetricsSeries> {
  const q = { ...query, now: query.now ?? Date.now() };
  const { span, from, to } = seriesRange(q);
  const [rollup, methods] = await Promise.all([
    pool.query<SeriesRollupRow>({ text: numbered(SERIES_ROLLUP_QUERY), values: [q.bucketMs, q.bucketMs, span, from, to], rowMode: 'array' }),
    classifierMethods(pool, from, to),
  ]);
  return buildMetricsSeries(q, rollup.rows, methods);
}

/** Requests per classifier method: one count per method over its range of the (classifier_method, ts) index. */
async function classifierMethods(pool: PgPool, from: number, to: number): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ v: string }>(CLASSIFIER_METHODS_QUERY);
  const counts = await Promise.all([
    ...rows.map((r) => pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM requests WHERE classifier_method = $1 AND ts >= $2 AND ts < $3', [r.v, from, to])),
    pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM requests WHERE classifier_method IS NULL AND ts >= $1 AND ts < $2', [from, to]),
  ]);
  const out: Record<string, number> = {};
  [...rows.map((r) => r.v), 'none'].forEach((method, i) => {
    const n = counts[i].rows[0].n;
    if (n > 0) out[method] = n;
  });
  return out;
}
