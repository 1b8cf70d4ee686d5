// A web page in the operator's browser must not be able to drive the loopback-only admin, nor the
// chat route: admin routes refuse a foreign Origin (and a Host that is not a loopback name), and
// bodies must be JSON, which a browser cannot send cross-site without a preflight. Also: breaker
// resets never answer 500 for an odd target, and the bearer scheme is case-insensitive.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { fakeKeys, fakeProviders, startGateway, type RunningGateway } from './support/start-gateway.ts';

const EVIL = 'http://evil.example';

describe('admin routes with no ROUTER_ADMIN_KEY (loopback only)', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;
  const chain = async () => (await (await fetch(`${gw.url}/config`)).json()).categories.find((c: any) => c.name === 'conversation').chain;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    gw = await startGateway({ routerConfig: fakeProviders({ primary: upstream.baseURL }), env: fakeKeys(['primary']), chains: { conversation: ['primary/text'] } });
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('refuses a text/plain POST from a foreign Origin that would change a chain (403), and the chain stays', async () => {
    // What a <form> or fetch(no-cors) on any web page can send: no preflight is needed.
    const res = await fetch(`${gw.url}/config/model-mapping`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: EVIL },
      body: JSON.stringify({ category: 'conversation', models: ['primary/text:hijacked'] }),
    });
    expect(res.status).toBe(403);
    expect((await res.json()).error).toMatchObject({ type: 'permission_error', code: 'cross_site_request' });
    expect(await chain()).toEqual(['primary/text']);
  });

  it('refuses a foreign Origin installing a category pattern or resetting breakers, even with a JSON body', async () => {
    const category = await fetch(`${gw.url}/config/category`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: EVIL },
      body: JSON.stringify({ name: 'evil', keywords: [{ pattern: 'x', weight: 1 }], models: ['primary/text'] }),
    });
    expect(category.status).toBe(403);
    for (const path of ['/circuit-breaker/reset-all', '/circuit-breaker/reset/primary/text']) {
      expect((await fetch(`${gw.url}${path}`, { method: 'POST', headers: { origin: 'null' } })).status).toBe(403);
    }
    const config = await (await fetch(`${gw.url}/config`)).json();
    expect(config.categories.map((c: any) => c.name)).not.toContain('evil');
  });

  it('answers a non-JSON body with 415 in the OpenAI error shape, and changes nothing', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await fetch(`${gw.url}/config/model-mapping`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: JSON.stringify({ category: 'conversation', models: ['primary/text:hijacked'] }),
      });
      expect(res.status, contentType).toBe(415);
      expect((await res.json()).error).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_media_type', param: null });
    }
    const reset = await fetch(`${gw.url}/circuit-breaker/reset-all`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(reset.status).toBe(415);
    expect(await chain()).toEqual(['primary/text']);
  });

  it('accepts the gateway’s own Origin and no Origin at all (curl, SDKs)', async () => {
    const own = await fetch(`${gw.url}/config/model-mapping`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', origin: gw.url },
      body: JSON.stringify({ category: 'conversation', models: ['primary/text:own-origin'] }),
    });
    expect(own.status).toBe(200);
    expect(await chain()).toEqual(['primary/text:own-origin']);
    const bare = await fetch(`${gw.url}/config/model-mapping`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ category: 'conversation', models: ['primary/text'] }) });
    expect(bare.status).toBe(200);
    expect((await fetch(`${gw.url}/circuit-breaker/reset-all`, { method: 'POST' })).status).toBe(200);
  });

  it('refuses a request addressed to another host name (DNS rebinding), from loopback and with a matching Origin', async () => {
    const { status, body } = await rawPost(gw.url, '/circuit-breaker/reset-all', { host: 'rebound.example:80', origin: 'http://rebound.example:80' });
    expect(status).toBe(403);
    expect(JSON.parse(body).error.type).toBe('permission_error');
    const local = await rawPost(gw.url, '/circuit-breaker/reset-all', { host: `localhost:${new URL(gw.url).port}` });
    expect(local.status).toBe(200);
  });

  it('decodes a breaker reset target once: % in it is 404 when unknown, never 500', async () => {
    for (const target of ['%25', 'nosuch/%25', '%ZZ', '%E0%A4%A']) {
      const res = await fetch(`${gw.url}/circuit-breaker/reset/${target}`, { method: 'POST' });
      expect(res.status, target).toBe(404);
      expect((await res.json()).error.code).toBe('unknown_target');
    }
    // A known provider's target that was never called has no breaker: 404 too, naming the target decoded once.
    const percent = await fetch(`${gw.url}/circuit-breaker/reset/primary/100%25done`, { method: 'POST' });
    expect(percent.status).toBe(404);
    expect((await percent.json()).error).toMatchObject({ code: 'no_breaker', message: expect.stringContaining('"primary/100%done"') });
    const encoded = await fetch(`${gw.url}/circuit-breaker/reset/primary%2Ftext`, { method: 'POST' });
    expect(encoded.status).toBe(404);
    expect((await encoded.json()).error.message).toContain('"primary/text"');
  });

  it('answers a text/plain chat request with 415 without calling upstream', async () => {
    const before = upstream.requests.length;
    const res = await fetch(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: EVIL },
      body: JSON.stringify({ model: 'router/conversation', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(415);
    expect((await res.json()).error).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_media_type' });
    expect(upstream.requests.length).toBe(before);
    // Browsers get no CORS header when ROUTER_CORS_ORIGINS is unset.
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('admin routes with ROUTER_ADMIN_KEY', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway({ env: { ROUTER_ADMIN_KEY: 'sekret' } });
  });
  afterAll(async () => gw?.close());

  it('accepts the bearer scheme in any case (RFC 7235)', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      expect((await fetch(`${gw.url}/config`, { headers: { authorization: `${scheme} sekret` } })).status, scheme).toBe(200);
    }
    expect((await fetch(`${gw.url}/config`, { headers: { authorization: 'Basic sekret' } })).status).toBe(401);
    expect((await fetch(`${gw.url}/config`, { headers: { authorization: 'bearer wrong' } })).status).toBe(401);
  });

  it('still refuses a foreign Origin that has the key', async () => {
    const res = await fetch(`${gw.url}/circuit-breaker/reset-all`, { method: 'POST', headers: { authorization: 'Bearer sekret', origin: EVIL } });
    expect(res.status).toBe(403);
  });
});

describe('ROUTER_CORS_ORIGINS', () => {
  const APP = 'https://app.example.com';
  let upstream: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    gw = await startGateway({ routerConfig: fakeProviders({ primary: upstream.baseURL }), env: { ...fakeKeys(['primary']), ROUTER_CORS_ORIGINS: `${APP}, https://other.example`, ROUTER_API_KEYS: 'browser-key' } });
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  const preflight = (path: string, origin: string) =>
    fetch(`${gw.url}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-stainless-os' } });

  it('answers the preflight of an allowed origin on the chat route, before client keys are asked for', async () => {
    const res = await preflight('/v1/chat/completions', APP);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')).toContain('x-stainless-os');
  });

  it('lets the allowed origin read chat answers and models, with the routing headers exposed', async () => {
    const res = await fetch(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer browser-key', origin: APP },
      body: JSON.stringify({ model: 'primary/text', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-expose-headers')).toContain('x-router-model');
    const models = await fetch(`${gw.baseURL}/models`, { headers: { authorization: 'Bearer browser-key', origin: APP } });
    expect(models.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('gives an origin not on the list no CORS header', async () => {
    const res = await preflight('/v1/chat/completions', EVIL);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('never opens the admin routes to an allowed origin', async () => {
    const pre = await preflight('/config/model-mapping', APP);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const res = await fetch(`${gw.url}/circuit-breaker/reset-all`, { method: 'POST', headers: { origin: APP } });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

/** A POST with a Host header of our choosing (fetch does not let a caller set Host). */
function rawPost(base: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, method: 'POST', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
