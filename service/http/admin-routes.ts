// Operator routes: configuration, breakers and metrics. Mounted behind adminAuth.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { GatewayConfig } from '../config/gateway-config.ts';
import type { ProviderRegistry } from '../providers/provider-registry.ts';
import type { BreakerRegistry } from '../router/breaker-registry.ts';
import type { CategoryRegistry } from '../router/category-registry.ts';
import type { PriceTable } from '../router/price-table.ts';
import { chainProblem, parseTarget } from '../router/target.ts';
import type { MetricsSummary } from '../store/metrics-query.ts';
import { HttpError, errorResponse, invalidRequest } from './openai-error.ts';
import { readJsonBody } from './read-json-body.ts';

export interface AdminDeps {
  config: GatewayConfig;
  categories: CategoryRegistry;
  providers: ProviderRegistry;
  breakers: BreakerRegistry;
  prices: PriceTable;
  metrics: (windowMs: number | null) => MetricsSummary;
}

const modelMappingSchema = z.object({
  category: z.string().min(1),
  models: z.array(z.string().min(3)).min(1),
});

export function adminRoutes(deps: AdminDeps): Hono {
  const app = new Hono();

  app.get('/config', (c) =>
    c.json({
      categories: deps.categories.list(),
      providers: deps.providers.configs().map((p) => ({ name: p.name, type: p.type, base_url: p.baseURL ?? null, configured: p.configured, env: p.envHint })),
      breaker: { ...deps.config.breaker, attempt_timeout_ms: deps.config.attemptTimeoutMs, states: deps.breakers.snapshot() },
      pricing: deps.prices.files.map((f) => ({ provider: f.provider, source: f.source, updated: f.updated, models: Object.keys(f.models).length })),
    }),
  );

  app.post('/config/model-mapping', async (c) => {
    const body = modelMappingSchema.safeParse(await readJsonBody(c, deps.config.maxBodyBytes));
    if (!body.success) {
      const issue = body.error.issues[0];
      return errorResponse(c, invalidRequest(`${issue.path.join('.')}: ${issue.message}`, issue.path.join('.') || null, 'invalid_value'));
    }
    const { category, models } = body.data;
    const existing = deps.categories.get(category);
    if (!existing) return errorResponse(c, invalidRequest(`unknown category "${category}"`, 'category', 'unknown_category'));
    const problem = chainProblem(models, (name) => deps.providers.has(name));
    if (problem) return errorResponse(c, invalidRequest(problem, 'models', 'invalid_target'));
    deps.categories.save({ ...existing, chain: models }, 'POST /config/model-mapping');
    return c.json({ category, models, previous: existing.chain });
  });

  app.post('/circuit-breaker/reset-all', (c) => c.json({ reset: deps.breakers.resetAll() }));

  // The target contains slashes (openrouter/moonshotai/kimi-k2.5), so the parameter takes the rest of the path.
  app.post('/circuit-breaker/reset/:target{.+}', (c) => {
    const target = decodeURIComponent(c.req.param('target'));
    const parsed = parseTarget(target);
    if (!parsed || !deps.providers.has(parsed.provider)) {
      return errorResponse(c, new HttpError(404, 'not_found_error', `unknown target "${target}"`, 'target', 'unknown_target'));
    }
    const existed = deps.breakers.reset(target);
    return c.json({ target, state: deps.breakers.state(target), had_breaker: existed });
  });

  app.get('/metrics', (c: Context) => {
    const window = c.req.query('window');
    const windowMs = window ? parseWindow(window) : null;
    if (windowMs === undefined) return errorResponse(c, invalidRequest(`window "${window}" is not a duration like 30m, 1h, 24h or 7d`, 'window', 'invalid_value'));
    const summary = deps.metrics(windowMs);
    const states = Object.fromEntries(deps.breakers.snapshot().map((b) => [b.target, b]));
    for (const [target, metrics] of Object.entries(summary.targets)) Object.assign(metrics, { breaker_state: states[target]?.state ?? 'closed' });
    return c.json({ ...summary, circuit_breaker: states });
  });

  return app;
}

function parseWindow(value: string): number | null | undefined {
  const match = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(value.trim());
  if (!match) return undefined;
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
