// The dashboard's sign-in session: a cookie `<expiry>.<nonce>.<mac>` signed with a key derived from
// ROUTER_ADMIN_KEY (so changing the admin key signs everyone out), and a CSRF token derived from the
// same nonce that the page sends in a header with every change.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'router_session';
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_TTL_MS = 12 * 3_600_000;

export interface Session {
  nonce: string;
  expires: number;
}

export class DashboardSessions {
  readonly #key: Buffer;

  constructor(adminKey: string) {
    // Never the admin key itself: a leaked cookie signature says nothing about it.
    this.#key = createHmac('sha256', adminKey).update('llm-router dashboard session v1').digest();
  }

  /** A new session's cookie value and its CSRF token. */
  issue(now = Date.now()): { cookie: string; csrf: string; expires: number } {
    const expires = now + SESSION_TTL_MS;
    const nonce = randomBytes(18).toString('base64url');
    const payload = `${expires}.${nonce}`;
    return { cookie: `${payload}.${this.#mac(`session:${payload}`)}`, csrf: this.csrfFor({ nonce, expires }), expires };
  }

  /** The session a cookie value stands for, or null when it is forged, malformed or expired. */
  verify(cookie: string | undefined, now = Date.now()): Session | null {
    if (!cookie || cookie.length > 200) return null;
    const parts = cookie.split('.');
    if (parts.length !== 3) return null;
    const [expiresText, nonce, mac] = parts;
    if (!equal(mac, this.#mac(`session:${expiresText}.${nonce}`))) return null;
    const expires = Number(expiresText);
    if (!Number.isSafeInteger(expires) || expires <= now) return null;
    return { nonce, expires };
  }

  csrfFor(session: Session): string {
    return this.#mac(`csrf:${session.nonce}`);
  }

  csrfMatches(session: Session, token: string | undefined): boolean {
    return token !== undefined && equal(token, this.csrfFor(session));
  }

  /** True when `key` is the admin key (compared through the derived key, in constant time). */
  keyMatches(key: string): boolean {
    return equal(new DashboardSessions(key).#mac('probe'), this.#mac('probe'));
  }

  #mac(text: string): string {
    return createHmac('sha256', this.#key).update(text).digest('base64url');
  }
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
