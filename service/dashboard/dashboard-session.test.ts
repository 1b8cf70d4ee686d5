import { describe, expect, it } from 'vitest';
import { DashboardSessions, SESSION_TTL_MS } from './dashboard-session.ts';

describe('DashboardSessions', () => {
  const sessions = new DashboardSessions('admin-key');
  const now = 1_800_000_000_000;

  it('verifies the cookie it issued until it expires', () => {
    const { cookie, csrf } = sessions.issue(now);
    const session = sessions.verify(cookie, now + 1000);
    expect(session).not.toBeNull();
    expect(sessions.csrfMatches(session!, csrf)).toBe(true);
    expect(sessions.verify(cookie, now + SESSION_TTL_MS)).toBeNull();
  });

  it('refuses a cookie whose expiry or nonce was changed, or that another admin key signed', () => {
    const { cookie } = sessions.issue(now);
    const [expires, nonce, mac] = cookie.split('.');
    expect(sessions.verify(`${Number(expires) + 3_600_000}.${nonce}.${mac}`, now)).toBeNull();
    expect(sessions.verify(`${expires}.${nonce}x.${mac}`, now)).toBeNull();
    expect(new DashboardSessions('another-key').verify(cookie, now)).toBeNull();
    for (const junk of ['', '...', 'a.b', 'a.b.c.d', 'x'.repeat(500)]) expect(sessions.verify(junk, now)).toBeNull();
  });

  it("gives each session its own CSRF token, and another session's token does not pass", () => {
    const a = sessions.issue(now);
    const b = sessions.issue(now);
    expect(a.csrf).not.toBe(b.csrf);
    expect(sessions.csrfMatches(sessions.verify(a.cookie, now)!, b.csrf)).toBe(false);
    expect(sessions.csrfMatches(sessions.verify(a.cookie, now)!, undefined)).toBe(false);
  });

  it('matches the admin key and nothing else', () => {
    expect(sessions.keyMatches('admin-key')).toBe(true);
    expect(sessions.keyMatches('admin-key ')).toBe(false);
    expect(sessions.keyMatches('')).toBe(false);
  });
});
