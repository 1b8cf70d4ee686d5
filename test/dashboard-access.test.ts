// Who may open the dashboard and change things from it, through the real server: sign-in with the
// admin key sets a signed HttpOnly SameSite=Strict cookie that stands in for the key on the admin
// routes, changes need the page's CSRF token as well, and without a key only loopback may look.
// Also: the page's files are all local, and GET /metrics/series answers the overview.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { fakeKeys, fakeProviders, startGateway, type RunningGateway } from './support/start-gateway.ts';

const KEY = 'access-test-admin-key';

async function signIn(url: string, key: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/dashboard/sign-in`, { method: 'POST', body: new URLSearchParams({ key }), redirect: 'manual', headers });
}

function bootOf(html: string): { csrf: string | null; signedIn: boolean } {
  return JSON.parse(/<script type="application\/json" id="boot">(.*?)<\/script>/s.exec(html)![1]);
}

describe('dashboard with ROUTER_ADMIN_KEY set', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;
  let cookie: string;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    gw = await startGateway({
      routerConfig: fakeProviders({ primary: upstream.baseURL }),
      env: { ...fakeKeys(['primary']), ROUTER_ADMIN_KEY: KEY },
      chains: { conversation: ['primary/text'], code: ['primary/text'] },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('shows the sign-in form, with a strict CSP, until signed in; / links to it', async () => {
    const res = await fetch(`${gw.url}/dashboard`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(await res.text()).toContain('name="key"');
    expect(await (await fetch(`${gw.url}/`)).text()).toContain('href="/dashboard"');
  });

  it('refuses a wrong key and a sign-in posted from another site', async () => {
    expect((await signIn(gw.url, 'wrong')).status).toBe(401);
    const foreign = await signIn(gw.url, KEY, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('set-cookie')).toBeNull();
  });

  it('signs in with the key: an HttpOnly, SameSite=Strict cookie that opens the admin routes for reading', async () => {
    const res = await signIn(gw.url, KEY, { origin: gw.url });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard');
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^router_session=[^;]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/);
    cookie = setCookie.split(';')[0];
    expect((await fetch(`${gw.url}/metrics`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${gw.url}/metrics`)).status).toBe(401);
    const page = await fetch(`${gw.url}/dashboard`, { headers: { cookie } });
    expect(bootOf(await page.text())).toMatchObject({ signedIn: true, csrf: expect.any(String) });
  });

  it('makes a change with the cookie only together with its CSRF token', async () => {
    const { csrf } = bootOf(await (await fetch(`${gw.url}/dashboard`, { headers: { cookie } })).text());
    const without = await fetch(`${gw.url}/circuit-breaker/reset-all`, { method: 'POST', headers: { cookie } });
    expect(without.status).toBe(403);
    expect((await without.json()).error.code).toBe('csrf_token_invalid');
    const wrong = await fetch(`${gw.url}/circuit-breaker/reset-all`, { method: 'POST', headers: { cookie, 'x-csrf-token': `${csrf}x` } });
    expect(wrong.status).toBe(403);
    const right = await fetch(`${gw.url}/circuit-breaker/reset-all`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf! } });
    expect(right.status).toBe(200);
    // The bearer key still works on its own, as before.
    expect((await fetch(`${gw.url}/circuit-breaker/reset-all`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` } })).status).toBe(200);
  });

  it('refuses a tampered cookie, and forgets the session on sign-out', async () => {
    const [name, value] = cookie.split('=');
    const tampered = `${name}=${value.replace(/^\d+/, (n) => String(Number(n) + 86_400_000))}`;
    expect((await fetch(`${gw.url}/metrics`, { headers: { cookie: tampered } })).status).toBe(401);
    const out = await fetch(`${gw.url}/dashboard/sign-out`, { method: 'POST', headers: { cookie, origin: gw.url }, redirect: 'manual' });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/^router_session=; Max-Age=0/);
  });

  it('serves every file the page loads itself: no other host is named', async () => {
    const shell = await (await fetch(`${gw.url}/dashboard`, { headers: { cookie } })).text();
    expect(shell).not.toMatch(/(src|href)="(https?:)?\/\//);
    for (const name of ['app.js', 'lib.js', 'chart.js', 'overview.js', 'routing.js', 'health.js', 'requests.js', 'dashboard.css', 'vendor-preact.mjs', 'vendor-preact-hooks.mjs', 'vendor-htm.mjs', 'vendor-uplot.mjs', 'vendor-uplot.css']) {
      const res = await fetch(`${gw.url}/dashboard/assets/${name}`);
      expect(res.status, name).toBe(200);
      const text = await res.text();
      // Imports are relative: a bare `preact` would need an import map (an inline script the CSP forbids).
      expect(text, name).not.toMatch(/from\s*["'](preact|https?:)/);
      const again = await fetch(`${gw.url}/dashboard/assets/${name}`, { headers: { 'if-none-match': res.headers.get('etag')! } });
      expect(again.status).toBe(304);
    }
    expect((await fetch(`${gw.url}/dashboard/assets/..%2Fdashboard-session.ts`)).status).toBe(404);
  });

  it('GET /metrics/series answers the overview: buckets, totals, the split and classifier methods', async () => {
    const client = gw.client();
    await client.chat.completions.create({ model: 'router', messages: [{ role: 'user', content: 'hello' }] });
    await client.chat.completions.create({ model: 'router/code', messages: [{ role: 'user', content: 'fix this' }] });
    const res = await fetch(`${gw.url}/metrics/series?window=1h&split=target`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(200);
    const s = await res.json();
    expect(s).toMatchObject({ window_ms: 3_600_000, bucket_ms: 60_000, split: 'target', summary: { requests: 2, success_rate: 1 } });
    expect(s.buckets).toHaveLength(60);
    expect(s.totals.requests.reduce((a: number, b: number) => a + b, 0)).toBe(2);
    expect(s.breakdown).toEqual([expect.objectContaining({ key: 'primary/text', requests: 2 })]);
    expect(s.classifier_methods).toEqual({ keyword: 1, forced: 1 });
    for (const bad of ['window=forever', 'window=30d&bucket=1s', 'split=model', 'bucket=0s']) {
      const r = await fetch(`${gw.url}/metrics/series?${bad}`, { headers: { authorization: `Bearer ${KEY}` } });
      expect(r.status, bad).toBe(400);
    }
  });

  it("keeps the classifier's confidence and reasons with the request, for its detail", async () => {
    const { response } = await gw.client().chat.completions.create({ model: 'router', messages: [{ role: 'user', content: 'hello, how are you today?' }] }).withResponse();
    const id = response.headers.get('x-request-id')!;
    const detail = await (await fetch(`${gw.url}/requests/${id}`, { headers: { authorization: `Bearer ${KEY}` } })).json();
    expect(detail).toMatchObject({ id, classifier_method: 'keyword', classification: { confidence: expect.any(Number), reasons: expect.any(Array) } });
    expect(detail.classification.reasons.length).toBeGreaterThan(0);
  });
});

describe('dashboard without ROUTER_ADMIN_KEY', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('opens for a loopback client with no sign-in, and not for a request addressed to another name', async () => {
    const res = await fetch(`${gw.url}/dashboard`);
    expect(res.status).toBe(200);
    expect(bootOf(await res.text())).toMatchObject({ signedIn: false, csrf: null });
    // DNS rebinding: a foreign name pointed at 127.0.0.1 is refused, as on the admin routes.
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${gw.url}/dashboard`, { headers: { host: 'evil.example' } }, (r) => {
        r.resume();
        resolve(r.statusCode!);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });
});
