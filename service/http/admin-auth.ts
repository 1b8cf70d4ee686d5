// Admin routes need `Authorization: Bearer $ROUTER_ADMIN_KEY`; with no key set, loopback clients only.
import { timingSafeEqual, createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { MiddlewareHandler } from 'hono';
import { HttpError, errorResponse } from './openai-error.ts';

export function adminAuth(adminKey: string | undefined): MiddlewareHandler {
  const expected = adminKey ? digest(adminKey) : undefined;
  return async function adminAuth(c, next) {
    if (expected) {
      const token = bearerToken(c.req.header('authorization'));
      if (!token || !timingSafeEqual(digest(token), expected)) {
        return errorResponse(c, new HttpError(401, 'authentication_error', 'admin routes need Authorization: Bearer <ROUTER_ADMIN_KEY>', null, 'invalid_admin_key'));
      }
      return next();
    }
    if (!isLoopback(getConnInfo(c).remote.address)) {
      return errorResponse(c, new HttpError(403, 'permission_error', 'admin routes answer loopback clients only until ROUTER_ADMIN_KEY is set', null, 'admin_key_not_set'));
    }
    // A page whose name an attacker re-points at 127.0.0.1 (DNS rebinding) is same-origin with the
    // gateway to the browser; its requests still carry that name in Host.
    if (!isLoopbackHost(c.req.header('host'))) {
      return errorResponse(c, new HttpError(403, 'permission_error', 'admin routes without ROUTER_ADMIN_KEY answer requests addressed to localhost or a loopback address only', null, 'admin_key_not_set'));
    }
    return next();
  };
}

/** The credentials of `Bearer <token>`; the scheme is case-insensitive (RFC 7235 §2.1). */
export function bearerToken(header: string | undefined): string | null {
  const match = header ? /^bearer[ \t]+(.+?)[ \t]*$/i.exec(header) : null;
  return match ? match[1] : null;
}

/** Hashing first makes both sides the same length, which timingSafeEqual requires. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return true; // HTTP/1.0 without Host: no name to have been re-pointed
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname;
  } catch {
    return false;
  }
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  return isIP(bare) !== 0 && isLoopback(bare);
}
