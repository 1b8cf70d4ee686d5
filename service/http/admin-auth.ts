// Admin routes need `Authorization: Bearer $ROUTER_ADMIN_KEY`; with no key set, loopback clients only.
import { timingSafeEqual, createHash } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { MiddlewareHandler } from 'hono';
import { HttpError, errorResponse } from './openai-error.ts';

export function adminAuth(adminKey: string | undefined): MiddlewareHandler {
  const expected = adminKey ? digest(adminKey) : undefined;
  return async (c, next) => {
    if (expected) {
      const header = c.req.header('authorization') ?? '';
      const token = header.startsWith('Bearer ') ? header.slice(7) : '';
      if (!token || !timingSafeEqual(digest(token), expected)) {
        return errorResponse(c, new HttpError(401, 'authentication_error', 'admin routes need Authorization: Bearer <ROUTER_ADMIN_KEY>', null, 'invalid_admin_key'));
      }
      return next();
    }
    if (!isLoopback(getConnInfo(c).remote.address)) {
      return errorResponse(c, new HttpError(403, 'permission_error', 'admin routes answer loopback clients only until ROUTER_ADMIN_KEY is set', null, 'admin_key_not_set'));
    }
    return next();
  };
}

/** Hashing first makes both sides the same length, which timingSafeEqual requires. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
