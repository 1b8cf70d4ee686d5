// GET /metrics: JSON from the store's request log (optionally over a window), or Prometheus text from the
// in-process counters when asked for with `?format=prometheus` or an Accept header that prefers it.
import { Hono, type Context } from 'hono';
import type { AdminDeps } from './admin-routes.ts';
import { withTimestamp } from './config-routes.ts';
import { errorResponse, invalidRequest } from './openai-error.ts';
import { storeRead } from './store-unavailable.ts';

export function metricsRoutes(deps: AdminDeps): Hono {
  const app = new Hono();

  app.get('/metrics', async (c: Context) => {
    const format = c.req.query('format');
    if (format !== undefined && format !== 'json' && format !== 'prometheus') {
      return errorResponse(c, invalidRequest(`format "${format}" is not json or prometheus`, 'format', 'invalid_value'));
    }
    if (format === 'prometheus' || (format === undefined && prefersPrometheus(c.req.header('accept')))) {
      return c.body(await deps.prometheus.text(), 200, { 'content-type': deps.prometheus.contentType, 'cache-control': 'no-store' });
    }

    const window = c.req.query('window');
    const windowMs = window ? parseWindow(window) : null;
    if (windowMs === undefined) return errorResponse(c, invalidRequest(`window "${window}" is not a duration like 30m, 1h, 24h or 7d`, 'window', 'invalid_value'));
    const [summary, events] = await storeRead('GET /metrics', () => Promise.all([deps.metrics(windowMs), deps.breakerEvents.recent(20)]));
    const states = Object.fromEntries(deps.breakers.snapshot().map((b) => [b.target, b]));
    for (const [target, metrics] of Object.entries(summary.targets)) Object.assign(metrics, { breaker_state: states[target]?.state ?? 'closed' });
    // Deployment groups: live counters of this process (in flight, picks, share, latency, breaker).
    return c.json({ ...summary, circuit_breaker: states, breaker_events: events.map(withTimestamp), request_log: deps.requestLog.status(), groups: deps.groupStats?.() ?? [] });
  });

  return app;
}

/**
 * True when the Accept header ranks Prometheus text (text/plain) or OpenMetrics above JSON.
 * Prometheus itself sends `application/openmetrics-text;…,text/plain;version=0.0.4;q=0.5,*\/*;q=0.1`;
 * curl and browsers send `*\/*` or text/html first and get JSON.
 */
export function prefersPrometheus(accept: string | undefined): boolean {
  if (!accept) return false;
  let text = -1;
  let json = -1;
  for (const [i, part] of accept.split(',').entries()) {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    // Earlier entries win ties.
    const score = (Number.isFinite(q) ? q : 0) * 1000 - i;
    if (type === 'text/plain' || type === 'application/openmetrics-text') text = Math.max(text, score);
    else if (type === 'application/json') json = Math.max(json, score);
  }
  return text > 0 && text > json;
}

export function parseWindow(value: string): number | null | undefined {
  const match = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(value.trim());
  if (!match) return undefined;
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
