// GET /dashboard (the page, or its sign-in form), sign-in and sign-out, the page's files, and a
// small index at /. The page reads and changes everything through the admin JSON routes, with the
// session cookie set here standing in for the admin key.
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { BUILT_IN_CATEGORIES } from '../classify/category.ts';
import { loopbackRefusal } from '../http/admin-auth.ts';
import { sameOriginOnly } from '../http/cross-site-guard.ts';
import { loadDashboardAssets } from './dashboard-assets.ts';
import { indexPage, refusedPage, shellPage, signInPage } from './dashboard-pages.ts';
import { SESSION_COOKIE, SESSION_TTL_MS, type DashboardSessions } from './dashboard-session.ts';

/** A sign-in form is one field; anything longer is not one. */
const MAX_SIGN_IN_BYTES = 4096;

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  // Scripts and styles from this origin only; uPlot and Preact set element styles through the CSSOM, which a CSP without unsafe-inline allows (the browser suite fails on any violation).
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  // same-origin, not no-referrer: with no-referrer Chrome sends `Origin: null` on the sign-in form's POST.
  'referrer-policy': 'same-origin',
};

export interface DashboardDeps {
  /** Present when ROUTER_ADMIN_KEY is set. */
  sessions: DashboardSessions | undefined;
}

export function dashboardRoutes(deps: DashboardDeps): Hono {
  const app = new Hono();
  const assets = loadDashboardAssets();
  const { sessions } = deps;
  const page = (c: Context, html: string, status: 200 | 401 | 403 = 200) => c.body(html, status, PAGE_HEADERS);

  app.get('/', (c) => page(c, indexPage()));

  app.get('/dashboard', (c) => {
    if (!sessions) {
      const refused = loopbackRefusal(c);
      if (refused) return page(c, refusedPage(refused), 403);
      return page(c, shellPage({ csrf: null, signedIn: false, builtIns: BUILT_IN_CATEGORIES }));
    }
    const session = sessions.verify(getCookie(c, SESSION_COOKIE));
    if (!session) return page(c, signInPage(null));
    return page(c, shellPage({ csrf: sessions.csrfFor(session), signedIn: true, builtIns: BUILT_IN_CATEGORIES }));
  });
  app.get('/dashboard/', (c) => c.redirect('/dashboard', 301));

  // A foreign page must not sign the operator's browser in (login CSRF), so the Origin is checked.
  app.post('/dashboard/sign-in', sameOriginOnly(), async (c) => {
    if (!sessions) return c.redirect('/dashboard', 303);
    const length = Number(c.req.header('content-length') ?? 0);
    if (length > MAX_SIGN_IN_BYTES) return page(c, signInPage('That is not an admin key.'), 401);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const key = typeof form.key === 'string' ? form.key : '';
    if (!key || key.length > 1024 || !sessions.keyMatches(key)) return page(c, signInPage('That is not the admin key.'), 401);
    const issued = sessions.issue();
    setCookie(c, SESSION_COOKIE, issued.cookie, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
      secure: new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https',
    });
    return c.redirect('/dashboard', 303);
  });

  app.post('/dashboard/sign-out', sameOriginOnly(), (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/dashboard', 303);
  });

  app.get('/dashboard/assets/:name', (c) => {
    const asset = assets.get(c.req.param('name'));
    if (!asset) return c.text('not found', 404);
    if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304, { etag: asset.etag });
    return c.body(new Uint8Array(asset.body), 200, { 'content-type': asset.type, etag: asset.etag, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
  });

  return app;
}
