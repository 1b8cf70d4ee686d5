// Circuit breakers: every breaker's state with the recent state changes, and resets.
import { Hono } from 'hono';
import { parseTarget } from '../plan/target.ts';
import type { AdminDeps } from './admin-routes.ts';
import { withTimestamp } from './config-routes.ts';
import { HttpError, errorResponse } from './openai-error.ts';
import { storeReadOr } from './store-unavailable.ts';

export function breakerRoutes(deps: AdminDeps): Hono {
  const app = new Hono();

  app.get('/circuit-breaker', async (c) => {
    // The running configuration and breakers are in memory: shown even while the store is away, without its history.
    const events = await storeReadOr(() => deps.breakerEvents.recent(50), null);
    return c.json({
      breakers: deps.breakers.snapshot(),
      events: events?.map(withTimestamp) ?? null,
      // Targets a 429's Retry-After keeps out of the walk, and until when.
      cooldowns: deps.breakers.cooldowns().map((cd) => ({ ...cd, until_iso: new Date(cd.until).toISOString() })),
    });
  });

  app.post('/circuit-breaker/reset-all', (c) => c.json({ reset: deps.breakers.resetAll() }));

  // The target contains slashes (openrouter/moonshotai/kimi-k2.5), so the parameter takes the rest of
  // the path. Hono has already percent-decoded it: decoding again turned `%25` into a URIError (500).
  app.post('/circuit-breaker/reset/:target{.+}', (c) => {
    const target = c.req.param('target');
    const parsed = parseTarget(target);
    const deployment = deps.groupStats?.().some((g) => g.deployments.some((d) => d.id === target)) ?? false;
    if (!deployment && (!parsed || !deps.providers.has(parsed.provider))) {
      return errorResponse(c, new HttpError(404, 'not_found_error', `unknown target "${target}"`, 'target', 'unknown_target'));
    }
    // Nothing to reset: a target never called (no breaker) and not cooling down.
    if (!deps.breakers.reset(target)) {
      return errorResponse(c, new HttpError(404, 'not_found_error', `target "${target}" has no circuit breaker and no cool-down to reset`, 'target', 'no_breaker'));
    }
    return c.json({ target, state: deps.breakers.state(target), had_breaker: true });
  });

  return app;
}
