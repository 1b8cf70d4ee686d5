// Breakers opening, skipping, half-open probing and reset; admin auth; /config and /metrics;
// a fresh start with no provider configured.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type OpenAI from 'openai';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { fakeKeys, fakeProviders, startGateway, type RunningGateway } from './support/start-gateway.ts';

const hi: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hello' }];

describe('circuit breakers', () => {
  let flaky: FakeUpstream;
  let backup: FakeUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    flaky = await startFakeOpenAI();
    backup = await startFakeOpenAI();
    gw = await startGateway({
      routerConfig: fakeProviders({ flaky: flaky.baseURL, backup: backup.baseURL }),
      env: { ...fakeKeys(['flaky', 'backup']), ROUTER_BREAKER_RESET_MS: '400' },
      chains: { conversation: ['flaky/error:503', 'backup/text'] },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await flaky?.close();
    await backup?.close();
  });

  it('opens after failures cross the threshold, then skips the target without calling it', async () => {
    const client = gw.client();
    for (let i = 0; i < 5; i++) await client.chat.completions.create({ model: 'router/conversation', messages: hi });
    expect(flaky.calls('error:503')).toBe(5);

    const { response } = await client.chat.completions.create({ model: 'router/conversation', messages: hi }).withResponse();
    expect(response.headers.get('x-router-model')).toBe('backup/text');
    expect(flaky.calls('error:503')).toBe(5);

    const metrics = await (await fetch(`${gw.url}/metrics`)).json();
    expect(metrics.circuit_breaker['flaky/error:503'].state).toBe('open');
    const recent = metrics.recent_requests[0];
    expect(recent.attempts[0]).toMatchObject({ target: 'flaky/error:503', outcome: 'breaker_open' });
  });

  it('lets one probe through when half-open, and opens again when it fails', async () => {
    await new Promise((r) => setTimeout(r, 450));
    const client = gw.client();
    await Promise.all([1, 2, 3].map(() => client.chat.completions.create({ model: 'router/conversation', messages: hi })));
    expect(flaky.calls('error:503')).toBe(6);
    const config = await (await fetch(`${gw.url}/config`)).json();
    expect(config.breaker.states.find((b: any) => b.target === 'flaky/error:503').state).toBe('open');
  });

  it('resets one breaker by its slash-containing target, and all at once', async () => {
    const res = await fetch(`${gw.url}/circuit-breaker/reset/flaky/error:503`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ target: 'flaky/error:503', state: 'closed' });
    await gw.client().chat.completions.create({ model: 'router/conversation', messages: hi });
    expect(flaky.calls('error:503')).toBe(7);

    const all = await (await fetch(`${gw.url}/circuit-breaker/reset-all`, { method: 'POST' })).json();
    expect(all.reset).toContain('flaky/error:503');
    const unknown = await fetch(`${gw.url}/circuit-breaker/reset/nosuch/model`, { method: 'POST' });
    expect(unknown.status).toBe(404);
  });
});

describe('admin routes and configuration', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    gw = await startGateway({
      routerConfig: fakeProviders({ primary: upstream.baseURL }),
      env: { ...fakeKeys(['primary']), ROUTER_ADMIN_KEY: 'sekret' },
      chains: { conversation: ['primary/text'] },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  const admin = (path: string, init: RequestInit = {}, key: string | null = 'sekret') =>
    fetch(`${gw.url}${path}`, { ...init, headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...(init.headers ?? {}) } });

  it('requires the admin key when one is set', async () => {
    expect((await admin('/config', {}, null)).status).toBe(401);
    expect((await admin('/config', {}, 'wrong')).status).toBe(401);
    const ok = await admin('/config');
    expect(ok.status).toBe(200);
    const config = await ok.json();
    expect(config.categories.map((c: any) => c.name)).toEqual(['tools', 'code', 'reasoning', 'conversation']);
    const primary = config.providers.find((p: any) => p.name === 'primary');
    expect(primary).toMatchObject({ type: 'openai', configured: true });
    expect(JSON.stringify(config)).not.toContain('test-key');
  });

  it('changes a chain at runtime, validates it, and keeps it across a restart', async () => {
    const bad = await admin('/config/model-mapping', { method: 'POST', body: JSON.stringify({ category: 'conversation', models: ['nosuch/model'] }) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain('unknown provider "nosuch"');
    const unknownCategory = await admin('/config/model-mapping', { method: 'POST', body: JSON.stringify({ category: 'nope', models: ['primary/text'] }) });
    expect(unknownCategory.status).toBe(400);

    const ok = await admin('/config/model-mapping', { method: 'POST', body: JSON.stringify({ category: 'conversation', models: ['primary/text:remapped'] }) });
    expect(ok.status).toBe(200);
    const answer = await gw.client().chat.completions.create({ model: 'router/conversation', messages: hi });
    expect(answer.choices[0].message.content).toBe('remapped');

    await gw.stop();
    const again = await startGateway({ dir: gw.dir, routerConfig: fakeProviders({ primary: upstream.baseURL }), env: fakeKeys(['primary']) });
    try {
      const config = await (await fetch(`${again.url}/config`)).json();
      expect(config.categories.find((c: any) => c.name === 'conversation').chain).toEqual(['primary/text:remapped']);
      const metrics = await (await fetch(`${again.url}/metrics`)).json();
      expect(metrics.requests.total).toBeGreaterThanOrEqual(1);
      expect(metrics.model_distribution['primary/text:remapped']).toBe(1);
      expect(metrics.category_distribution.conversation).toBe(1);
      expect(metrics.provider_distribution.primary).toBe(1);
    } finally {
      await again.stop();
    }
  });
});

describe('a fresh start with no provider configured', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('answers a chat request with 503 naming the providers and their variables', async () => {
    const res = await fetch(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'router', messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(res.status).toBe(503);
    const { error } = await res.json();
    expect(error.code).toBe('no_provider_available');
    expect(error.message).toContain('OPENROUTER_API_KEY');
    expect(error.message).toContain('OPENAI_API_KEY');
    expect(error.message).toContain('OLLAMA_HOST');
    expect(error.attempts.every((a: any) => a.outcome === 'skipped')).toBe(true);
  });

  it('still classifies, without calling anything', async () => {
    const res = await fetch(`${gw.baseURL}/classify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ category: expect.any(String), method: expect.any(String), confidence: expect.any(Number) });
    expect(body.chain.length).toBeGreaterThan(0);
  });
});

describe('per-target breaker options', () => {
  let flaky: FakeUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    flaky = await startFakeOpenAI();
    gw = await startGateway({
      routerConfig: {
        providers: { flaky: { type: 'openai', baseURL: flaky.baseURL } },
        breakers: { 'flaky/error:500#touchy': { volumeThreshold: 2 } },
      },
      chains: { conversation: ['flaky/error:500#touchy', 'flaky/error:500#sturdy', 'flaky/text'] },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await flaky?.close();
  });

  it('opens a target with its own lower volume threshold while others keep the defaults', async () => {
    const client = gw.client();
    for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: 'router/conversation', messages: hi });
    const states = Object.fromEntries(gw.gateway.breakers.snapshot().map((b) => [b.target, b.state]));
    expect(states['flaky/error:500#touchy']).toBe('open');
    expect(states['flaky/error:500#sturdy']).toBe('closed');
    expect(flaky.calls('error:500#touchy')).toBe(2);
    expect(flaky.calls('error:500#sturdy')).toBe(3);
  });
});
