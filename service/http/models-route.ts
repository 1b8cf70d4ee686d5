// GET /v1/models in OpenAI's list shape: `router`, `router/<category>`, and every chain target.
import type { Context } from 'hono';
import type { CategoryRegistry } from '../plan/category-registry.ts';
import type { ProviderRegistry } from '../providers/provider-registry.ts';

const CREATED = Math.floor(Date.now() / 1000);

export function modelsRoute(categories: CategoryRegistry, providers: ProviderRegistry) {
  return (c: Context): Response => {
    const model = (id: string, owned_by: string, extra: Record<string, unknown> = {}) => ({ id, object: 'model', created: CREATED, owned_by, ...extra });
    const data = [model('router', 'router'), model('auto', 'router')];
    const targets = new Set<string>();
    for (const category of categories.list()) {
      data.push(model(`router/${category.name}`, 'router', { description: category.description }));
      for (const target of category.chain) targets.add(target);
    }
    for (const target of targets) {
      // A deployment group (`group:fast`) is the router's own; it has no '/'.
      if (target.startsWith('group:')) {
        data.push(model(target, 'router'));
        continue;
      }
      const provider = target.slice(0, target.indexOf('/'));
      data.push(model(target, provider, { configured: providers.get(provider)?.config.configured ?? false }));
    }
    return c.json({ object: 'list', data });
  };
}
