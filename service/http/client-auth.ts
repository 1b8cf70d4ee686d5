// Optional client keys (ROUTER_API_KEYS): the chat, classify and models routes need
// `Authorization: Bearer <one of them>` (or `x-api-key: <key>`, as Anthropic clients send it).
// A rejected request is counted (/metrics), never stored: a caller without a key must not be able
// to grow the request log.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { HttpError, errorResponse } from './openai-error.ts';

export interface ClientAuthOptions {
  /** Renders the 401 in the route's own dialect (Anthropic's error shape on /v1/messages). */
  render?: (c: Context, error: HttpError) => Response;
}

export function clientAuth(keys: string[], countRejected: () => void, options: ClientAuthOptions = {}): MiddlewareHandler {
  const expected = keys.map(digest);
  const render = options.render ?? errorResponse;
  return async (c, next) => {
    if (expected.length === 0) return next();
    const token = bearer(c.req.header('authorization')) ?? (c.req.header('x-api-key')?.trim() || null);
    if (token !== null && matchesAny(digest(token), expected)) return next();

    const message = token === null ? 'this gateway needs Authorization: Bearer <key> (one of ROUTER_API_KEYS)' : 'the bearer key is not one of ROUTER_API_KEYS';
    const error = new HttpError(401, 'authentication_error', message, null, 'invalid_api_key');
    c.header('www-authenticate', 'Bearer realm="llm-task-router"');
    countRejected();
    return render(c, error);
  };
}

function bearer(header: string | undefined): string | null {
  const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  return match ? match[1].trim() : null;
}

/** Compares against every key, without stopping at a match, each comparison in constant time. */
function matchesAny(token: Buffer, keys: Buffer[]): boolean {
  let ok = false;
  for (const key of keys) ok = timingSafeEqual(token, key) || ok;
  return ok;
}

/** Hashing first gives both sides the same length, which timingSafeEqual requires, and hides the key's length. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
