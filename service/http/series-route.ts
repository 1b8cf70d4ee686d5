// GET /metrics/series: the dashboard overview's time series (requests, success rate, cost,
// p50/p95 latency per bucket, split by category, target or provider; classifier methods' shares).
import { Hono } from 'hono';
import { MAX_BUCKETS, bucketProblem, type MetricsSeries, type SeriesQuery, type SeriesSplit } from '../store/metrics-series.ts';
import { parseWindow } from './metrics-routes.ts';
import { invalidRequest } from './openai-error.ts';
import { storeRead } from './store-unavailable.ts';

/** The bucket each window gets unless the caller names one: 24-60 points a chart. */
const DEFAULT_BUCKETS: Array<[windowMs: number, bucketMs: number]> = [
  [3_600_000, 60_000],
  [86_400_000, 30 * 60_000],
  [7 * 86_400_000, 4 * 3_600_000],
  [Infinity, 86_400_000],
];

const SPLITS = new Set<SeriesSplit>(['category', 'target', 'provider']);

export function seriesRoute(deps: { series: (query: SeriesQuery) => Promise<MetricsSeries> }): Hono {
  const app = new Hono();
  app.get('/metrics/series', async (c) => {
    const windowMs = parseWindow(c.req.query('window') ?? '24h');
    if (!windowMs || windowMs > 366 * 86_400_000) throw invalidRequest('window is a duration like 1h, 24h, 7d or 30d (at most 366d)', 'window', 'invalid_value');
    const bucketText = c.req.query('bucket');
    const bucketMs = bucketText === undefined ? DEFAULT_BUCKETS.find(([w]) => windowMs <= w)![1] : parseWindow(bucketText);
    if (!bucketMs || windowMs / bucketMs > MAX_BUCKETS) {
      throw invalidRequest(`bucket is a duration of whole minutes giving at most ${MAX_BUCKETS} buckets over the window`, 'bucket', 'invalid_value');
    }
    const problem = bucketProblem(windowMs, bucketMs);
    if (problem) throw invalidRequest(problem, 'bucket', 'invalid_value');
    const split = (c.req.query('split') ?? 'category') as SeriesSplit;
    if (!SPLITS.has(split)) throw invalidRequest('split is category, target or provider', 'split', 'invalid_value');
    return c.json(await storeRead('GET /metrics/series', () => deps.series({ windowMs, bucketMs, split })));
  });

  return app;
}
