// GET /requests (the request log, filtered and paged, newest first) and GET /requests/{id} (one
// request with its attempts, classification, tokens and cost). Admin routes.
import { Hono, type Context } from 'hono';
import type { AdminDeps } from './admin-routes.ts';
import { HttpError, errorResponse, invalidRequest } from './openai-error.ts';
import { CursorError, type RequestFilters } from '../store/request-query.ts';
import { storeRead } from './store-unavailable.ts';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
/** Longest filter value accepted (model and target names are stored cut to 256). */
const MAX_FILTER_CHARS = 256;

export function requestRoutes(deps: AdminDeps): Hono {
  const app = new Hono();

  app.get('/requests', async (c: Context) => {
    const parsed = parseQuery(c);
    if (parsed instanceof HttpError) return errorResponse(c, parsed);
    const page = await storeRead('GET /requests', async () => {
      try {
        return await deps.requests.list(parsed.filters, parsed.limit, parsed.cursor);
      } catch (error) {
        throw error instanceof CursorError ? invalidRequest(error.message, 'cursor', 'invalid_value') : error;
      }
    });
    return c.json({ object: 'list', ...page, has_more: page.next_cursor !== null });
  });

  app.get('/requests/:id', async (c: Context) => {
    const id = c.req.param('id') ?? '';
    const found = id.length <= MAX_FILTER_CHARS ? await storeRead('GET /requests/{id}', () => deps.requests.get(id)) : undefined;
    if (!found) return errorResponse(c, new HttpError(404, 'not_found_error', `no request "${id.slice(0, 64)}" in the log`, 'id', 'unknown_request'));
    return c.json(found);
  });

  return app;
}

function parseQuery(c: Context): { filters: RequestFilters; limit: number; cursor: string | null } | HttpError {
  const q = (name: string) => c.req.query(name);
  const filters: RequestFilters = {};
  for (const [name, key] of [
    ['category', 'category'],
    ['target', 'target'],
    ['outcome', 'outcome'],
    ['user_agent', 'userAgent'],
    ['id', 'id'],
  ] as const) {
    const value = q(name);
    if (value === undefined) continue;
    if (value.length === 0 || value.length > MAX_FILTER_CHARS) return invalidRequest(`${name} must be 1 to ${MAX_FILTER_CHARS} characters`, name, 'invalid_value');
    filters[key] = value;
  }
  const status = q('status');
  if (status !== undefined) {
    if (!/^\d{3}$/.test(status)) return invalidRequest(`status "${status.slice(0, 32)}" is not an HTTP status`, 'status', 'invalid_value');
    filters.status = Number(status);
  }
  for (const name of ['since', 'until'] as const) {
    const value = q(name);
    if (value === undefined) continue;
    const ms = parseTime(value);
    if (ms === undefined) return invalidRequest(`${name} "${value.slice(0, 64)}" is not an ISO 8601 time or epoch milliseconds`, name, 'invalid_value');
    filters[name] = ms;
  }
  const limitText = q('limit');
  const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return invalidRequest(`limit must be an integer from 1 to ${MAX_LIMIT}`, 'limit', 'invalid_value');
  const cursor = q('cursor') ?? null;
  if (cursor !== null && (cursor.length === 0 || cursor.length > 128)) return invalidRequest('cursor is not one this gateway gave', 'cursor', 'invalid_value');
  return { filters, limit, cursor };
}

function parseTime(value: string): number | undefined {
  if (/^\d{1,15}$/.test(value)) return Number(value);
  // Only full dates and date-times: Date.parse accepts too much else.
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
