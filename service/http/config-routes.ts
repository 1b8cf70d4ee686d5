// The configuration over REST: read it, change categories and chains, reload the files, see the
// audit trail. Every change is validated whole before anything is written, written in one store
// transaction with its audit row (awaited: PostgreSQL's writes are async; one the store refuses is
// a 503 and changes nothing), and seen by the next request (the registry swaps its list).
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { BUILT_IN_CATEGORIES } from '../classify/category.ts';
import { chainProblem } from '../plan/target.ts';
import type { AdminDeps } from './admin-routes.ts';
import { categoryBodySchema, firstIssue, toDefinition, withChainAlias } from './category-schema.ts';
import { reloadConfiguration } from './config-reload.ts';
import { HttpError, errorResponse, invalidRequest } from './openai-error.ts';
import { readJsonBody } from './read-json-body.ts';
import { storeRead, storeReadOr, storeWrite } from './store-unavailable.ts';
import { aliasDestinationProblem, aliasName } from '../plan/model-aliases.ts';
import { chainWarnings } from './chain-warnings.ts';
import { groupView } from './group-routes.ts';

const targets = z.array(z.string().min(3).max(200)).min(1).max(20);
const modelMappingSchema = withChainAlias(z.object({ category: z.string().min(1), chain: targets.optional(), models: targets.optional() }));

const aliasSchema = z.object({ name: aliasName, to: z.string().min(3).max(300) }).strict();

const reloadSchema = z.object({ from_files: z.array(z.string().min(1)).max(100).optional() }).strict();

const BUILT_INS = new Set<string>(BUILT_IN_CATEGORIES);

export function configRoutes(deps: AdminDeps): Hono {
  const app = new Hono();

  app.get('/config', async (c) => {
    // The running configuration and breakers are in memory: shown even while the store is away, without its history.
    const events = await storeReadOr(() => deps.breakerEvents.recent(50), null);
    return c.json({
      // `source`: where the definition came from (file = categories/*.json, ROUTER_CONFIG, REST); POST ignores it.
      categories: deps.categories.list().map((category) => ({ ...category, source: deps.categories.sourceOf(category.name) ?? null })),
      aliases: deps.aliases.list(),
      chain_warnings: chainWarnings(deps),
      groups: deps.groups?.list().map(groupView) ?? [],
      classifier: deps.classifier?.settings ?? null,
      providers: deps.providers.configs().map((p) => ({ name: p.name, type: p.type, base_url: p.baseURL ?? null, configured: p.configured, env: p.envHint })),
      breaker: {
        ...deps.config.breaker,
        attempt_timeout_ms: deps.config.attemptTimeoutMs,
        request_timeout_ms: deps.config.requestTimeoutMs,
        overrides: deps.config.breakerOverrides,
        states: deps.breakers.snapshot(),
        events: events?.map(withTimestamp) ?? null,
      },
      pricing: deps.prices.files.map((f) => ({ provider: f.provider, source: f.source, updated: f.updated, note: f.note ?? null, models: f.models })),
      health: { interval_s: deps.config.health.intervalMs / 1000, failures_before_down: deps.config.health.failuresBeforeDown, routing: deps.config.health.routing },
      auth: { admin_key: Boolean(deps.config.adminKey), client_keys: deps.config.clientKeys.length },
      files: { config: deps.config.configFile ?? null, categories: deps.config.categoriesDir, pricing: deps.config.pricingDir },
    });
  });

  app.post('/config/category', async (c) => {
    const body = categoryBodySchema.safeParse(await readJsonBody(c, deps.config.maxBodyBytes));
    if (!body.success) return invalid(c, body.error);
    const problem = chainProblem(body.data.chain, (name) => deps.providers.has(name), (name) => deps.groups?.has(name) ?? false);
    if (problem) return errorResponse(c, invalidRequest(problem, body.data.chainParam, 'invalid_target'));
    const existing = deps.categories.get(body.data.name);
    const category = toDefinition(body.data, existing);
    await storeWrite('POST /config/category', () => deps.categories.save(category, 'POST /config/category'));
    return c.json({ category, created: !existing, previous: existing ?? null }, existing ? 200 : 201);
  });

  app.delete('/config/category/:name', async (c) => {
    const name = c.req.param('name');
    if (BUILT_INS.has(name)) {
      return errorResponse(c, invalidRequest(`"${name}" is a built-in category and cannot be deleted; change its chain with POST /config/category instead`, 'name', 'builtin_category'));
    }
    const existing = deps.categories.get(name);
    if (!existing) return errorResponse(c, new HttpError(404, 'not_found_error', `unknown category "${name}"`, 'name', 'unknown_category'));
    // An alias pointing here would start answering 400: the operator changes or deletes it first.
    const pointing = deps.aliases.list().filter((a) => a.to === `router/${name}`).map((a) => a.name);
    if (pointing.length > 0) {
      return errorResponse(c, invalidRequest(`category "${name}" is the destination of alias ${pointing.join(', ')}; change or delete the alias first (POST or DELETE /config/alias)`, 'name', 'category_in_use'));
    }
    await storeWrite('DELETE /config/category', () => deps.categories.remove(name, `DELETE /config/category/${name}`));
    return c.json({ deleted: name, previous: existing });
  });

  app.post('/config/model-mapping', async (c) => {
    const body = modelMappingSchema.safeParse(await readJsonBody(c, deps.config.maxBodyBytes));
    if (!body.success) return invalid(c, body.error);
    const { category, chain, chainParam } = body.data;
    const existing = deps.categories.get(category);
    if (!existing) return errorResponse(c, invalidRequest(`unknown category "${category}"`, 'category', 'unknown_category'));
    const problem = chainProblem(chain, (name) => deps.providers.has(name), (name) => deps.groups?.has(name) ?? false);
    if (problem) return errorResponse(c, invalidRequest(problem, chainParam, 'invalid_target'));
    await storeWrite('POST /config/model-mapping', () => deps.categories.save({ ...existing, chain }, 'POST /config/model-mapping'));
    return c.json({ category, chain, models: chain, previous: existing.chain });
  });

  app.post('/config/alias', async (c) => {
    const body = aliasSchema.safeParse(await readJsonBody(c, deps.config.maxBodyBytes));
    if (!body.success) return invalid(c, body.error);
    const { name, to } = body.data;
    const problem = aliasDestinationProblem(to, { hasCategory: (n) => deps.categories.get(n) !== undefined, hasProvider: (n) => deps.providers.has(n) });
    if (problem) return errorResponse(c, invalidRequest(problem, 'to', 'invalid_alias'));
    const previous = deps.aliases.get(name) ?? null;
    await storeWrite('POST /config/alias', () => deps.aliases.save([{ name, to, source: 'REST' }], 'POST /config/alias'));
    return c.json({ alias: deps.aliases.get(name), created: !previous, previous }, previous ? 200 : 201);
  });

  app.delete('/config/alias/:name', async (c) => {
    const name = c.req.param('name');
    const previous = deps.aliases.get(name);
    if (!previous) return errorResponse(c, new HttpError(404, 'not_found_error', `unknown alias "${name}"`, 'name', 'unknown_alias'));
    await storeWrite('DELETE /config/alias', () => deps.aliases.remove(name, `DELETE /config/alias/${name}`));
    return c.json({ deleted: name, previous });
  });

  app.post('/config/reload', async (c) => {
    const body = reloadSchema.safeParse(await optionalJsonBody(c, deps.config.maxBodyBytes));
    if (!body.success) return invalid(c, body.error);
    const result = await storeWrite('POST /config/reload', () => reloadConfiguration(deps, body.data.from_files ?? []));
    if (!result.ok) {
      const summary = result.problems.map((p) => `${p.source}: ${p.error}`).join('; ');
      return errorResponse(c, new HttpError(400, 'invalid_request_error', `nothing was reloaded: ${summary}`, null, 'invalid_configuration', { problems: result.problems }));
    }
    return c.json(result.report);
  });

  app.get('/config/audit', async (c) => {
    const limit = Number(c.req.query('limit') ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return errorResponse(c, invalidRequest('limit is a whole number from 1 to 1000', 'limit', 'invalid_value'));
    const entries = await storeRead('GET /config/audit', () => deps.categoryStore.auditTrail(limit));
    return c.json({ entries: entries.map(withTimestamp) });
  });

  return app;
}

function invalid(c: Context, error: z.ZodError): Response {
  const { message, param } = firstIssue(error);
  return errorResponse(c, invalidRequest(message, param, 'invalid_value'));
}

/** The reload takes an optional body: none at all means `{}`. */
async function optionalJsonBody(c: Context, maxBytes: number): Promise<unknown> {
  try {
    return await readJsonBody(c, maxBytes);
  } catch (error) {
    if (error instanceof HttpError && error.code === 'missing_body') return {};
    throw error;
  }
}

export function withTimestamp<T extends { ts: number }>(row: T): T & { timestamp: string } {
  return { ...row, timestamp: new Date(row.ts).toISOString() };
}
