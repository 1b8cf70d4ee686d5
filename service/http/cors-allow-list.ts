// CORS for browser applications on the OpenAI-compatible routes (ROUTER_CORS_ORIGINS), never on
// admin routes. Off by default. Headers go on Node's response directly too, because the chat route
// writes its answer there rather than through a WHATWG Response.
import type { ServerResponse } from 'node:http';
import type { MiddlewareHandler } from 'hono';

/** What a browser client may read besides the simple response headers. */
const EXPOSED = 'x-request-id, x-router-category, x-router-model, x-router-attempts';

export const corsAllowList = ({ origins }: { origins: string[] }): MiddlewareHandler => {
  const allowed = new Set(origins);
  return async function corsAllowList(c, next) {
    const origin = c.req.header('origin');
    if (!origin || !allowed.has(origin)) return next();
    const headers: Record<string, string> = { 'access-control-allow-origin': origin, vary: 'Origin' };
    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
      return new Response(null, {
        status: 204,
        headers: {
          ...headers,
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          // The SDKs send their own x-stainless-* headers; any requested header may come.
          'access-control-allow-headers': c.req.header('access-control-request-headers') ?? 'authorization, content-type',
          'access-control-max-age': '600',
        },
      });
    }
    headers['access-control-expose-headers'] = EXPOSED;
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
    for (const [name, value] of Object.entries(headers)) outgoing?.setHeader(name, value);
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
};
