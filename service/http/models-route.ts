// GET /v1/models in OpenAI's list shape: `router`, `router/<category>`, the model aliases and every
// chain target; GET /v1/models/{id} answers for each of them (404 in OpenAI's shape otherwise);
// `?upstream=1` lists what the configured providers offer (their last health probe's listing).
import type { Context } from 'hono';
import type { CategoryRegistry } from '../plan/category-registry.ts';
import type { ModelAliases } from '../plan/model-aliases.ts';
import type { ProviderRegistry } from '../providers/provider-registry.ts';
import type { ProviderHealth } from '../providers/provider-health.ts';
import { HttpError, errorResponse } from './openai-error.ts';

const CREATED = Math.floor(Date.now() / 1000);

export interface ModelsDeps {
  categories: CategoryRegistry;
  providers: ProviderRegistry;
  aliases: ModelAliases;
  health: ProviderHealth;
}

type ModelEntry = { id: string; object: 'model'; created: number; owned_by: string } & Record<string, unknown>;

function model(id: string, owned_by: string, extra: Record<string, unknown> = {}): ModelEntry {
  return { id, object: 'model', created: CREATED, owned_by, ...extra };
}

/** Everything the gateway routes by name, in list order. */
function routable(deps: ModelsDeps): ModelEntry[] {
  const data = [model('router', 'router'), model('auto', 'router')];
  const targets = new Set<string>();
  for (const category of deps.categories.list()) {
    data.push(model(`router/${category.name}`, 'router', { description: category.description }));
    for (const target of category.chain) targets.add(target);
  }
  for (const alias of deps.aliases.list()) data.push(model(alias.name, 'router', { alias_of: alias.to }));
  for (const target of targets) {
    // A deployment group (`group:fast`) is the router's own; it has no '/'.
    if (target.startsWith('group:')) {
      data.push(model(target, 'router'));
      continue;
    }
    const provider = target.slice(0, target.indexOf('/'));
    data.push(model(target, provider, { configured: deps.providers.get(provider)?.config.configured ?? false }));
  }
  return data;
}

export function modelsRoute(deps: ModelsDeps) {
  return async function listModels(c: Context): Promise<Response> {
    if (!isUpstreamQuery(c.req.query('upstream'))) return c.json({ object: 'list', data: routable(deps) });
    // With probing off, nothing was listed yet: ask the providers now (bounded by the probe timeout).
    await deps.health.checkUnprobed();
    const data: ModelEntry[] = [];
    for (const p of deps.providers.configs()) {
      for (const id of [...(deps.health.listed(p.name) ?? [])].sort()) data.push(model(`${p.name}/${id}`, p.name, { upstream_id: id }));
    }
    // Status only: a probe's error text may name internal hosts, and this is a client route (GET /providers has the reason).
    const providers = deps.health.snapshot().filter((h) => h.status !== 'not_configured').map((h) => ({ name: h.name, status: h.status, last_check: h.last_check }));
    return c.json({ object: 'list', data, providers });
  };
}

export function modelRoute(deps: ModelsDeps) {
  return function retrieveModel(c: Context): Response {
    const id = c.req.param('id') ?? '';
    const found = routable(deps).find((m) => m.id === id);
    if (found) return c.json(found);
    return errorResponse(c, new HttpError(404, 'invalid_request_error', `The model '${id.slice(0, 200)}' does not exist`, 'model', 'model_not_found'));
  };
}

function isUpstreamQuery(value: string | undefined): boolean {
  return value === '1' || value === 'true';
}
