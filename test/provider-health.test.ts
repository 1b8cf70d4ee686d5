// Live provider health through the official SDKs: each configured provider is probed in the
// background with its SDK's model listing (openai models.list, @anthropic-ai/sdk models.list,
// Gemini's REST models list, ollama list) against fakes that answer those endpoints in the real
// shapes. GET /providers shows the status; a provider failing its probes N times in a row is
// skipped like an open breaker (`provider_down`) until a probe succeeds; chain targets its listing
// does not name are flagged in GET /config; GET /v1/models?upstream=1 lists what they offer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startFakeAnthropic, type FakeAnthropic } from './support/fake-anthropic-upstream.ts';
import { startFakeGoogle, type FakeGoogle } from './support/fake-google-upstream.ts';
import { startFakeOllama, type FakeOllama } from './support/fake-ollama-upstream.ts';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { startGateway, type RunningGateway } from './support/start-gateway.ts';

const hi: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hello' }];

/** Polls `read` until `check` holds; bounded (no timed assertion: only a ceiling on the wait). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, ceilingMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() - started > ceilingMs) throw new Error(`condition not met: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('provider health probes', () => {
  let oai: FakeUpstream;
  let claude: FakeAnthropic;
  let gemini: FakeGoogle;
  let ollama: FakeOllama;
  let backup: FakeUpstream;
  let gw: RunningGateway;
  const providers = async () => (await (await fetch(`${gw.url}/providers`)).json()).providers as any[];
  const provider = async (name: string) => (await providers()).find((p) => p.name === name);

  beforeAll(async () => {
    oai = await startFakeOpenAI({ models: ['gpt-4o-mini', 'text'] });
    backup = await startFakeOpenAI();
    claude = await startFakeAnthropic();
    gemini = await startFakeGoogle();
    ollama = await startFakeOllama({ models: ['llama3.2:latest'] });
    gw = await startGateway({
      routerConfig: {
        providers: {
          oai: { type: 'openai', baseURL: oai.baseURL, apiKeyEnv: 'OAI_KEY' },
          backup: { type: 'openai', baseURL: backup.baseURL, apiKeyEnv: 'BACKUP_KEY' },
          claude: { type: 'anthropic', baseURL: claude.url, apiKeyEnv: 'CLAUDE_KEY' },
          gemini: { type: 'google', baseURL: gemini.url, apiKeyEnv: 'GEMINI_TEST_KEY' },
          local: { type: 'ollama', baseURL: ollama.url },
        },
        health: { failuresBeforeDown: 2 },
      },
      // Probes every 100 ms so the test sees several; the ceiling on each wait is what bounds it.
      env: { OAI_KEY: 'k1', BACKUP_KEY: 'k2', CLAUDE_KEY: 'k3', GEMINI_TEST_KEY: 'k4', ROUTER_HEALTH_INTERVAL_S: '0.1' },
      chains: {
        conversation: ['oai/text', 'backup/text'],
        // llama3.2 is installed (as llama3.2:latest); qwen3:8b is not: GET /config flags it.
        code: ['local/llama3.2', 'local/qwen3:8b', 'claude/claude-haiku-4-5-20251001', 'gemini/gemini-2.5-flash'],
      },
    });
  });
  afterAll(async () => {
    await gw?.close();
    for (const fake of [oai, backup, claude, gemini, ollama]) await fake?.close();
  });

  it('probes each provider through its SDK and shows up, last check, latency and models seen', async () => {
    const all = await eventually(providers, (list) => ['oai', 'claude', 'gemini', 'local'].every((n) => list.find((p) => p.name === n)?.health.status === 'up'));
    const byName = Object.fromEntries(all.map((p) => [p.name, p.health]));
    expect(byName.oai).toMatchObject({ status: 'up', reason: null, models_seen: 2, failures_in_a_row: 0 });
    expect(byName.claude).toMatchObject({ status: 'up', models_seen: 2 });
    expect(byName.gemini).toMatchObject({ status: 'up', models_seen: 2 });
    expect(byName.local).toMatchObject({ status: 'up', models_seen: 1 });
    expect(Date.parse(byName.oai.last_check)).not.toBeNaN();
    expect(typeof byName.oai.latency_ms).toBe('number');
    // Unconfigured built-ins are not probed.
    expect(byName.openai.status).toBe('not_configured');
    // The listings were asked for at each API's own endpoint.
    expect(oai.listing.calls).toBeGreaterThan(0);
    expect(claude.listing.calls).toBeGreaterThan(0);
    expect(gemini.listing.calls).toBeGreaterThan(0);
    expect(ollama.listing.calls).toBeGreaterThan(0);
    expect(oai.requests).toHaveLength(0); // a probe is not a chat request
  });

  it('flags a chain target whose model the provider does not list, and accepts an Ollama model named without its tag', async () => {
    const config = await (await fetch(`${gw.url}/config`)).json();
    expect(config.chain_warnings).toEqual([{ category: 'code', target: 'local/qwen3:8b', warning: 'provider "local" does not list model "qwen3:8b"' }]);
    const local = await provider('local');
    expect(local.targets.find((t: any) => t.target === 'local/llama3.2').listed).toBe(true);
    expect(local.targets.find((t: any) => t.target === 'local/qwen3:8b').listed).toBe(false);
  });

  it('lists what the configured providers offer with ?upstream=1, through the openai SDK', async () => {
    const client = gw.client();
    const page = await client.models.list({ query: { upstream: 1 } } as never);
    const ids = page.data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['oai/gpt-4o-mini', 'claude/claude-sonnet-4-5-20250929', 'gemini/gemini-2.5-pro', 'local/llama3.2:latest']));
    expect(ids).not.toContain('router');
    const plain = (await client.models.list()).data.map((m) => m.id);
    expect(plain).toContain('router');
    expect(plain).not.toContain('oai/gpt-4o-mini');
  });

  it('skips a provider that failed its probes N times in a row as provider_down, and routes to it again once a probe succeeds', async () => {
    oai.listing.failWith = 503;
    const down = await eventually(() => provider('oai'), (p) => p.health.status === 'down');
    expect(down.health.reason).toMatch(/503/);
    expect(down.health.failures_in_a_row).toBeGreaterThanOrEqual(2);

    const client = gw.client();
    const { response } = await client.chat.completions.create({ model: 'router/conversation', messages: hi }).withResponse();
    expect(response.headers.get('x-router-model')).toBe('backup/text');
    expect(oai.requests).toHaveLength(0);
    const metrics = await (await fetch(`${gw.url}/metrics`)).json();
    expect(metrics.recent_requests[0].attempts[0]).toMatchObject({ target: 'oai/text', outcome: 'provider_down' });

    // Only that provider left: 503 naming why, with Retry-After until its next probe.
    const alone = await fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'oai/text', messages: hi }) });
    expect(alone.status).toBe(503);
    expect(Number(alone.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = await alone.json();
    expect(body.error.message).toMatch(/oai\/text \(provider down: provider "oai" failed its last \d+ health probes/);
    expect(body.error.message).not.toContain('category');

    const scrape = await (await fetch(`${gw.url}/metrics?format=prometheus`)).text();
    expect(scrape).toMatch(/^llm_router_provider_up\{provider="oai"\} 0$/m);
    expect(scrape).toMatch(/^llm_router_provider_up\{provider="claude"\} 1$/m);

    oai.listing.failWith = null;
    await eventually(() => provider('oai'), (p) => p.health.status === 'up');
    const back = await client.chat.completions.create({ model: 'router/conversation', messages: hi }).withResponse();
    expect(back.response.headers.get('x-router-model')).toBe('oai/text');
  });
});

describe('health-aware routing switched off', () => {
  let oai: FakeUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    oai = await startFakeOpenAI();
    oai.listing.failWith = 500;
    gw = await startGateway({
      routerConfig: { providers: { oai: { type: 'openai', baseURL: oai.baseURL, apiKeyEnv: 'OAI_KEY' } } },
      env: { OAI_KEY: 'k1', ROUTER_HEALTH_INTERVAL_S: '0.05', ROUTER_HEALTH_FAILURES: '1', ROUTER_HEALTH_ROUTING: 'false' },
      chains: { conversation: ['oai/text'] },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await oai?.close();
  });

  it('shows the provider down but still calls it', async () => {
    await eventually(async () => (await (await fetch(`${gw.url}/providers`)).json()).providers.find((p: any) => p.name === 'oai'), (p) => p.health.status === 'down');
    const { response } = await gw.client().chat.completions.create({ model: 'router/conversation', messages: hi }).withResponse();
    expect(response.headers.get('x-router-model')).toBe('oai/text');
  });
});

describe('probing off (ROUTER_HEALTH_INTERVAL_S=0)', () => {
  let oai: FakeUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    oai = await startFakeOpenAI({ models: ['only-one'] });
    gw = await startGateway({
      // `keyless` (a local vLLM, LM Studio) has a host and no key: it is probed with no Authorization header.
      routerConfig: { providers: { oai: { type: 'openai', baseURL: oai.baseURL, apiKeyEnv: 'OAI_KEY' }, keyless: { type: 'openai', baseURL: oai.baseURL } } },
      env: { OAI_KEY: 'k1', ROUTER_HEALTH_INTERVAL_S: '0' },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await oai?.close();
  });

  it('sends no probe in the background, but ?upstream=1 asks the providers when called', async () => {
    const providers = (await (await fetch(`${gw.url}/providers`)).json()).providers;
    expect(providers.find((p: any) => p.name === 'oai').health).toMatchObject({ status: 'unknown', last_check: null });
    expect(oai.listing.calls).toBe(0);
    const upstream = await (await fetch(`${gw.baseURL}/models?upstream=1`)).json();
    expect(upstream.data.map((m: any) => m.id)).toEqual(['oai/only-one', 'keyless/only-one']);
    expect(oai.listing.calls).toBe(2);
    expect(oai.listing.authorizations.sort()).toEqual(['Bearer k1', null].sort());
  });
});

describe('a host without a models endpoint', () => {
  let bare: FakeUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    bare = await startFakeOpenAI();
    bare.listing.failWith = 404;
    gw = await startGateway({
      routerConfig: { providers: { bare: { type: 'openai', baseURL: bare.baseURL } } },
      env: { ROUTER_HEALTH_INTERVAL_S: '0.05', ROUTER_HEALTH_FAILURES: '1' },
      chains: { conversation: ['bare/text'] },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await bare?.close();
  });

  it('counts as up (it answered), with no listing and no chain warnings, and is routed to', async () => {
    await eventually(async () => bare.listing.calls, (calls) => calls >= 3);
    const health = (await (await fetch(`${gw.url}/providers`)).json()).providers.find((p: any) => p.name === 'bare').health;
    expect(health).toMatchObject({ status: 'up', failures_in_a_row: 0, models_seen: null, reason: 'the host lists no models (HTTP 404)' });
    expect((await (await fetch(`${gw.url}/config`)).json()).chain_warnings).toEqual([]);
    const { response } = await gw.client().chat.completions.create({ model: 'router/conversation', messages: hi }).withResponse();
    expect(response.headers.get('x-router-model')).toBe('bare/text');
  });
});
