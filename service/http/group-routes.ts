// Deployment groups over REST: list, read (with live counters), create or replace, delete.
// Validated whole before anything is written; stored with an audit row (a store that refuses is a
// 503 and nothing changes); live at once.
// A group holds only the NAMES of key variables (apiKeyEnv), so nothing here can show a key.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { groupName, groupSchema } from '../config/config-file.ts';
import { GROUP_PREFIX } from '../plan/target.ts';
import type { CatalogEntry } from '../plan/group-catalog.ts';
import { deploymentId, groupProblem } from '../walk/groups/group-definition.ts';
import type { AdminDeps } from './admin-routes.ts';
import { firstIssue } from './category-schema.ts';
import { HttpError, errorResponse, invalidRequest } from './openai-error.ts';
import { readJsonBody } from './read-json-body.ts';
import { storeWrite } from './store-unavailable.ts';

const groupBodySchema = groupSchema.extend({ name: groupName }).strict();

export function groupRoutes(deps: AdminDeps): Hono {
  const app = new Hono();
  const catalog = deps.groups;
  if (!catalog) return app;

  app.get('/config/group', (c) => c.json({ groups: catalog.list().map(groupView) }));

  app.get('/config/group/:name', (c) => {
    const entry = catalog.get(c.req.param('name'));
    if (!entry) return notFound(c, c.req.param('name'));
    const live = deps.groupStats?.().find((g) => g.name === entry.name) ?? null;
    return c.json({ ...groupView(entry), live });
  });

  app.post('/config/group', async (c) => {
    const body = groupBodySchema.safeParse(await readJsonBody(c, deps.config.maxBodyBytes));
    if (!body.success) {
      const { message, param } = firstIssue(body.error);
      return errorResponse(c, invalidRequest(message, param, 'invalid_value'));
    }
    const { name, ...definition } = body.data;
    const problem = groupProblem(name, definition, { knownProvider: (p) => deps.providers.has(p), fromAdmin: true });
    if (problem) return errorResponse(c, invalidRequest(problem, problem.split(':')[0] || null, 'invalid_group'));
    const previous = catalog.get(name);
    await storeWrite('POST /config/group', () => catalog.save(name, definition, 'POST /config/group'));
    return c.json({ group: groupView(catalog.get(name)!), created: !previous, previous: previous ? groupView(previous) : null }, previous ? 200 : 201);
  });

  app.delete('/config/group/:name', async (c) => {
    const name = c.req.param('name');
    const existing = catalog.get(name);
    if (!existing) return notFound(c, name);
    if (catalog.fileOnly(name)) {
      return errorResponse(c, new HttpError(409, 'invalid_request_error', `group "${name}" is defined in ROUTER_CONFIG; change it there (or replace it with POST /config/group)`, 'name', 'group_in_config_file'));
    }
    const ref = `${GROUP_PREFIX}${name}`;
    const users = deps.categories.list().filter((category) => category.chain.includes(ref)).map((category) => category.name);
    if (!catalog.afterRemove(name) && users.length > 0) {
      return errorResponse(c, new HttpError(409, 'invalid_request_error', `group "${name}" is in the chain of ${users.map((u) => `"${u}"`).join(', ')}; take it out of those chains first`, 'name', 'group_in_use'));
    }
    await storeWrite('DELETE /config/group', () => catalog.remove(name, `DELETE /config/group/${name}`));
    const now = catalog.get(name);
    return c.json({ deleted: name, previous: groupView(existing), now: now ? groupView(now) : null });
  });

  return app;
}

/** A group as the admin routes and GET /config show it: its definition, where it came from, and its deployments' ids. */
export function groupView(entry: CatalogEntry): Record<string, unknown> {
  const { definition } = entry;
  return {
    name: entry.name,
    source: entry.source,
    ...definition,
    strategy: definition.strategy ?? 'weighted',
    deployments: definition.deployments.map((d) => ({ id: deploymentId(entry.name, d), ...d })),
  };
}

function notFound(c: Context, name: string): Response {
  return errorResponse(c, new HttpError(404, 'not_found_error', `unknown group "${name}"`, 'name', 'unknown_group'));
}

export type GroupBody = z.infer<typeof groupBodySchema>;
