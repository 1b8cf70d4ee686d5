// A web page open in the operator's browser can send "simple" requests (a text/plain or form POST,
// no preflight) to a gateway on the operator's machine, where the loopback-only admin trusts it.
// Admin routes therefore refuse a foreign Origin and any body that is not JSON.
import type { MiddlewareHandler } from 'hono';
import { HttpError, errorResponse } from './openai-error.ts';
import { refuseNonJson } from './read-json-body.ts';

/**
 * Refuses a request whose `Origin` is not the gateway's own (as the request addresses it). No
 * Origin at all (curl, SDKs, the CLI) is fine: browsers send one on every cross-site write.
 */
export const sameOriginOnly = (): MiddlewareHandler =>
  async function sameOriginOnly(c, next) {
    const origin = c.req.header('origin');
    if (origin !== undefined && !isOwnOrigin(origin, c.req.header('host'))) {
      return errorResponse(c, new HttpError(403, 'permission_error', `admin routes refuse requests from another site (Origin ${origin})`, null, 'cross_site_request'));
    }
    return next();
  };

/** 415 for a POST, PUT, PATCH or DELETE whose body is not JSON, also on routes that ignore their body. */
export const jsonBodiesOnly = (): MiddlewareHandler =>
  async function jsonBodiesOnly(c, next) {
    if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(c.req.method)) {
      try {
        refuseNonJson(c);
      } catch (error) {
        return errorResponse(c, error as HttpError);
      }
    }
    return next();
  };

function isOwnOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    // `null` (sandboxed frames, file: pages) does not parse and is foreign.
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === new URL(`http://${host}`).host;
  } catch {
    return false;
  }
}

