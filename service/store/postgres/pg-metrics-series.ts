// The dashboard's overview series from the PostgreSQL request log: the same roll-up rows and method
// counts as SQLite's (metrics-series.ts), turned into the same answer by the same code. The method
// counts come from a roll-up here (exact: the series' range is aligned to the roll-up's span).
import { buildMetricsSeries, SERIES_ROLLUP_QUERY, seriesRange, type MetricsSeries, type SeriesQuery, type SeriesRollupRow } from '../metrics-series.ts';
import type { PgPool } from './pg-database.ts';
import { numbered } from './pg-request-log-reader.ts';

export async function queryPgMetricsSeries(pool: PgPool, query: SeriesQuery): Promise<MetricsSeries> {
  const q = { ...query, now: query.now ?? Date.now() };
  const { span, from, to } = seriesRange(q);
  const [rollup, methods] = await Promise.all([
    pool.query<SeriesRollupRow>({ text: numbered(SERIES_ROLLUP_QUERY), values: [q.bucketMs, q.bucketMs, span, from, to], rowMode: 'array' }),
    classifierMethods(pool, span, from, to),
  ]);
  return buildMetricsSeries(q, rollup.rows, methods);
}

/** Requests per classifier method, from the method roll-up (pg-schema.ts), over the same bucket-aligned range SQLite counts. */
async function classifierMethods(pool: PgPool, span: number, from: number, to: number): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ method: string; n: number }>(
    'SELECT method, SUM(n) AS n FROM method_rollup WHERE span = $1 AND bucket >= $2 AND bucket < $3 GROUP BY method ORDER BY method',
    [span, from, to],
  );
  const out: Record<string, number> = {};
  for (const { method, n } of rows) if (n > 0) out[method === '' ? 'none' : method] = n;
  return out;
}
