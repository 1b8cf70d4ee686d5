// Admin routes need `Authorization: Bearer $ROUTER_ADMIN_KEY` or the dashboard's signed session
// cookie (whose changes must carry its CSRF token); with no key set, loopback clients only.
import { timingSafeEqual, createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { CSRF_HEADER, SESSION_COOKIE, type DashboardSessions } from '../dashboard/dashboard-session.ts';
import { HttpError, errorResponse } from './openai-error.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function adminAuth(adminKey: string | undefined, sessions?: DashboardSessions): MiddlewareHandler {
  const expected = adminKey ? digest(adminKey) : undefined;
  return async function adminAuth(c, next) {
    if (expected) {
      const token = bearerToken(c.req.header('authorization'));
      if (token && timingSafeEqual(digest(token), expected)) return next();
      const session = token ? null : (sessions?.verify(getCookie(c, SESSION_COOKIE)) ?? null);
      if (!session) {
        return errorResponse(c, new HttpError(401, 'authentication_error', 'admin routes need Authorization: Bearer <ROUTER_ADMIN_KEY>', null, 'invalid_admin_key'));
      }
      // The cookie rides along with any request the browser sends; only the page knows the token.
      if (!SAFE_METHODS.has(c.req.method) && !sessions!.csrfMatches(session, c.req.header(CSRF_HEADER))) {
        return errorResponse(c, new HttpError(403, 'permission_error', `a change made with the dashboard's session needs its ${CSRF_HEADER} header`, null, 'csrf_token_invalid'));
      }
      return next();
    }
    const refused = loopbackRefusal(c);
    return refused ? errorResponse(c, new HttpError(403, 'permission_error', refused, null, 'admin_key_not_set')) : next();
  };
}

/** Why a request may not use the admin routes without a key, or null when it may. */
export function loopbackRefusal(c: Context): string | null {
  if (!isLoopback(getConnInfo(c).remote.address)) return 'admin routes answer loopback clients only until ROUTER_ADMIN_KEY is set';
  // A page whose name an attacker re-points at 127.0.0.1 (DNS rebinding) is same-origin with the
  // gateway to the browser; its requests still carry that name in Host.
  if (!isLoopbackHost(c.req.header('host'))) return 'admin routes without ROUTER_ADMIN_KEY answer requests addressed to localhost or a loopback address only';
  return null;
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
