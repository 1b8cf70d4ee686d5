// ROUTER_API_KEYS: the chat, classify and models routes need one of the keys as a bearer token;
// a rejected request answers 401 in OpenAI's shape and is counted in /metrics, never stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Database from 'better-sqlite3';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { fakeKeys, fakeProviders, startGateway, type RunningGateway } from './support/start-gateway.ts';

let upstream: FakeUpstream;
let gw: RunningGateway;
const hi: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hello' }];

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  gw = await startGateway({
    routerConfig: fakeProviders({ primary: upstream.baseURL }),
    env: { ...fakeKeys(['primary']), ROUTER_API_KEYS: ' client-one , client-two,,', ROUTER_ADMIN_KEY: 'admin' },
    chains: { conversation: ['primary/text'] },
  });
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

function count(): number {
  gw.gateway.log.flush();
  const db = new Database(gw.config.dbPath, { readonly: true });
  const { n } = db.prepare('SELECT COUNT(*) AS n FROM requests').get() as { n: number };
  db.close();
  return n;
}

describe('client keys', () => {
  it('reads the comma-separated list, trimmed', () => {
    expect(gw.config.clientKeys).toEqual(['client-one', 'client-two']);
  });

  it('serves a client with any of the keys', async () => {
    for (const apiKey of ['client-one', 'client-two']) {
      const answer = await gw.client({ apiKey }).chat.completions.create({ model: 'router/conversation', messages: hi });
      expect(answer.choices[0].message.content).toBe('Hello from text');
    }
    const stream = await gw.client({ apiKey: 'client-two' }).chat.completions.create({ model: 'router/conversation', messages: hi, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Hello from text');
  });

  it('answers 401 in OpenAI shape to a missing or wrong key, which the OpenAI SDK reads as AuthenticationError', async () => {
    const error = await gw.client({ apiKey: 'client-three' }).chat.completions.create({ model: 'router/conversation', messages: hi }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error.status).toBe(401);
    expect(error.error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key', param: null, message: expect.stringContaining('ROUTER_API_KEYS') });

    const bare = await fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'router', messages: hi }) });
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await bare.json()).error.code).toBe('invalid_api_key');
    // The upstream was never called for them.
    expect(upstream.requests.filter((r) => r.headers.authorization !== 'Bearer test-key')).toEqual([]);
    expect(upstream.requests).toHaveLength(3);
  });

  it('counts a rejected request in /metrics (JSON and Prometheus) without storing a row for it', async () => {
    const metrics = async () => (await fetch(`${gw.url}/metrics`, { headers: { authorization: 'Bearer admin' } })).json();
    const before = (await metrics()).request_log.unauthenticated_requests;
    const rowsBefore = count();
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${gw.url}/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer nope', 'user-agent': 'x'.repeat(8000) }, body: '{}' });
      expect(res.status).toBe(401);
    }
    expect(count()).toBe(rowsBefore);
    const after = await metrics();
    expect(after.request_log.unauthenticated_requests).toBe(before + 5);
    expect(after.recent_requests.map((r: any) => r.status)).not.toContain(401);
    const text = await (await fetch(`${gw.url}/metrics?format=prometheus`, { headers: { authorization: 'Bearer admin' } })).text();
    expect(text).toContain(`llm_router_unauthenticated_requests_total ${before + 5}`);
  });

  it('guards classify and models too, but not health; admin routes keep their own key', async () => {
    const classify = (key?: string) =>
      fetch(`${gw.baseURL}/classify`, { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) }, body: JSON.stringify({ messages: hi }) });
    expect((await classify()).status).toBe(401);
    expect((await classify('client-one')).status).toBe(200);
    expect((await fetch(`${gw.baseURL}/models`)).status).toBe(401);
    expect((await fetch(`${gw.url}/models`)).status).toBe(401);
    expect((await gw.client({ apiKey: 'client-one' }).models.list()).data.length).toBeGreaterThan(2);
    expect((await fetch(`${gw.url}/health`)).status).toBe(200);
    // A client key is not an admin key, and the admin key is not a client key.
    expect((await fetch(`${gw.url}/config`, { headers: { authorization: 'Bearer client-one' } })).status).toBe(401);
    expect((await fetch(`${gw.url}/v1/models`, { headers: { authorization: 'Bearer admin' } })).status).toBe(401);
  });

  it('accepts the scheme in any case and ignores surrounding spaces', async () => {
    const res = await fetch(`${gw.baseURL}/models`, { headers: { authorization: 'bearer   client-two ' } });
    expect(res.status).toBe(200);
  });
});

describe('without ROUTER_API_KEYS', () => {
  let open: RunningGateway;
  beforeAll(async () => {
    open = await startGateway({ routerConfig: fakeProviders({ primary: upstream.baseURL }), env: fakeKeys(['primary']), chains: { conversation: ['primary/text'] } });
  });
  afterAll(async () => {
    await open?.close();
  });

  it('serves any client, whatever key it sends', async () => {
    expect(open.config.clientKeys).toEqual([]);
    const answer = await open.client({ apiKey: 'anything' }).chat.completions.create({ model: 'router/conversation', messages: hi });
    expect(answer.choices[0].message.content).toBe('Hello from text');
    expect((await fetch(`${open.baseURL}/models`)).status).toBe(200);
  });
});
