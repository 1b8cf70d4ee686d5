// GET /providers: each provider as configured (never its key), its live health (the background
// probes) and its targets' breakers.
import { Hono } from 'hono';
import type { BreakerSnapshot } from '../walk/breaker-registry.ts';
import { parseTarget } from '../plan/target.ts';
import type { AdminDeps } from './admin-routes.ts';
import { CliProvider } from '../providers/cli/cli-provider.ts';

/** A CLI provider's processes running now and calls waiting for one. */
function cliLoad(deps: AdminDeps, name: string): { running: number; queued: number } {
  const adapter = deps.providers.get(name)?.adapter;
  return adapter instanceof CliProvider ? adapter.load : { running: 0, queued: 0 };
}

export function providerRoutes(deps: AdminDeps): Hono {
  const app = new Hono();

  app.get('/providers', (c) => {
    // A provider's targets: those named in a chain, and any with a breaker (a direct provider/model request makes one).
    const targets = new Map<string, { categories: string[]; breaker: BreakerSnapshot | undefined }>();
    const entry = (target: string) => {
      let found = targets.get(target);
      if (!found) targets.set(target, (found = { categories: [], breaker: undefined }));
      return found;
    };
    for (const category of deps.categories.list()) for (const target of category.chain) entry(target).categories.push(category.name);
    for (const breaker of deps.breakers.snapshot()) entry(breaker.target).breaker = breaker;

    const health = new Map(deps.health.snapshot().map((h) => [h.name, h]));
    const providers = deps.providers.configs().map((p) => {
      const own = [...targets].filter(([target]) => parseTarget(target)?.provider === p.name);
      const summary = { closed: 0, half_open: 0, open: 0 };
      const list = own.map(([target, t]) => {
        const state = t.breaker?.state ?? 'closed';
        summary[state]++;
        return {
          target,
          categories: t.categories,
          state,
          failures: t.breaker?.failures ?? 0,
          successes: t.breaker?.successes ?? 0,
          rejects: t.breaker?.rejects ?? 0,
          fires: t.breaker?.fires ?? 0,
          listed: deps.health.targetListed(p.name, target.slice(p.name.length + 1)) ?? null,
        };
      });
      const { name: _name, type: _type, ...probe } = health.get(p.name)!;
      const cli = p.cli ? { cli: { preset: p.cli.preset ?? null, executable: p.cli.command?.[0] ?? null, max_concurrent: p.cli.maxConcurrent, ...cliLoad(deps, p.name) } } : {};
      return { name: p.name, type: p.type, base_url: p.baseURL ?? null, configured: p.configured, env: p.envHint, health: probe, breakers: summary, targets: list, ...cli };
    });
    return c.json({ providers });
  });

  return app;
}
