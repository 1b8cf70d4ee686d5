// Deployment groups through the real server and the openai SDK, against fake hosts on 127.0.0.1:
// how each strategy spreads load, failover inside a group and then along the chain, a deployment's
// breaker opening alone, tool loops staying on their deployment, and what /metrics shows.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type OpenAI from 'openai';
import { startFakeDeployment, type DeploymentBehaviour, type FakeDeployment } from './support/fake-deployment-upstream.ts';
import { startGateway, type RunningGateway } from './support/start-gateway.ts';
import { seededRandom } from '../service/walk/groups/seeded-random.ts';
import { startFakeOpenAI } from './support/fake-openai-upstream.ts';
import { until } from './support/until.ts';

const running: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});
afterAll(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

async function fakes(specs: Record<string, DeploymentBehaviour>): Promise<Record<string, FakeDeployment>> {
  const entries = await Promise.all(Object.entries(specs).map(async ([name, behaviour]) => [name, await startFakeDeployment(name, behaviour)] as const));
  for (const [, fake] of entries) running.push(fake);
  return Object.fromEntries(entries);
}

/** A gateway whose providers are the fakes (keyless OpenAI-compatible hosts), with these groups and chains. */
async function gateway(hosts: Record<string, FakeDeployment>, groups: Record<string, unknown>, options: { chains?: Record<string, string[]>; seed?: number; extra?: Record<string, unknown> } = {}): Promise<RunningGateway> {
  const providers = Object.fromEntries(Object.entries(hosts).map(([name, fake]) => [name, { type: 'openai', baseURL: fake.baseURL }]));
  const gw = await startGateway({
    routerConfig: { providers, groups, ...options.extra },
    chains: options.chains,
    overrides: { groupRandom: seededRandom(options.seed ?? 2026) },
  });
  running.push(gw);
  return gw;
}

interface Answer {
  served: string | null;
  attempts: number;
  content: string | null | undefined;
  message: OpenAI.ChatCompletionMessage;
}

const clients = new WeakMap<RunningGateway, OpenAI>();

async function ask(gw: RunningGateway, model: string, extra: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {}): Promise<Answer> {
  let client = clients.get(gw);
  if (!client) clients.set(gw, (client = gw.client()));
  const { data, response } = await client.chat.completions
    .create({ model, messages: [{ role: 'user', content: 'hello' }], ...extra })
    .withResponse();
  return { served: response.headers.get('x-router-model'), attempts: Number(response.headers.get('x-router-attempts')), content: data.choices[0].message.content, message: data.choices[0].message };
}

/** Runs `total` calls, at most `concurrency` at once. */
async function load<T>(total: number, concurrency: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(total);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        results[i] = await call(i);
      }
    }),
  );
  return results;
}

function shares(served: Array<string | null>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of served) counts[String(s)] = (counts[String(s)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, n / served.length]));
}

describe('weighted (the default)', () => {
  it('honours every weight within ±5% over 2,000 requests, and shows each deployment in x-router-model, /metrics and Prometheus', { timeout: 120_000 }, async () => {
    const hosts = await fakes({ a: {}, b: {}, c: {} });
    const gw = await gateway(hosts, { spread: { deployments: [{ target: 'a/m', weight: 5 }, { target: 'b/m', weight: 3 }, { target: 'c/m', weight: 2 }] } }, { chains: { conversation: ['group:spread'] } });
    const models = await gw.client().models.list();
    expect(models.data.find((m) => m.id === 'group:spread')).toMatchObject({ owned_by: 'router' });
    const answers = await load(2000, 16, () => ask(gw, 'router/conversation'));
    const share = shares(answers.map((a) => a.served));
    expect(Object.keys(share).sort()).toEqual(['group:spread@a/m', 'group:spread@b/m', 'group:spread@c/m']);
    expect(Math.abs(share['group:spread@a/m'] - 0.5)).toBeLessThan(0.05);
    expect(Math.abs(share['group:spread@b/m'] - 0.3)).toBeLessThan(0.05);
    expect(Math.abs(share['group:spread@c/m'] - 0.2)).toBeLessThan(0.05);
    expect(answers.every((a) => a.attempts === 1)).toBe(true);
    expect(hosts.a.requests + hosts.b.requests + hosts.c.requests).toBe(2000);
    expect(answers.find((a) => a.served === 'group:spread@b/m')?.content).toBe('from b');

    const metrics = await (await fetch(`${gw.url}/metrics`)).json();
    const group = metrics.groups.find((g: { name: string }) => g.name === 'spread');
    expect(group.strategy).toBe('weighted');
    const a = group.deployments.find((d: { id: string }) => d.id === 'group:spread@a/m');
    expect(a).toMatchObject({ target: 'a/m', weight: 5, in_flight: 0, picks: hosts.a.requests, breaker_state: 'closed' });
    expect(a.share).toBeCloseTo(hosts.a.requests / 2000, 3);
    expect(a.latency_ms).toBeGreaterThanOrEqual(0);
    // The request log records the deployment that served.
    expect(metrics.targets['group:spread@a/m'].calls).toBe(hosts.a.requests);

    const prometheus = await (await fetch(`${gw.url}/metrics?format=prometheus`)).text();
    expect(prometheus).toContain(`llm_router_deployment_picks_total{group="spread",deployment="group:spread@a/m"} ${hosts.a.requests}`);
    expect(prometheus).toContain('llm_router_deployment_in_flight{group="spread",deployment="group:spread@c/m"} 0');
    expect(prometheus).toMatch(/llm_router_deployment_pick_share\{group="spread",deployment="group:spread@b\/m"\} 0\.\d+/);
    expect(prometheus).toMatch(/llm_router_deployment_latency_seconds\{group="spread",deployment="group:spread@a\/m"\} \d/);
    expect(prometheus).toContain('llm_router_deployment_breaker_state{group="spread",deployment="group:spread@a/m",state="closed"} 1');
    expect(prometheus).toContain('llm_router_requests_total{category="conversation",target="group:spread@c/m",status="200"}');
  });
});

describe('round-robin', () => {
  it('serves each deployment in turn', async () => {
    const hosts = await fakes({ a: {}, b: {}, c: {} });
    const gw = await gateway(hosts, { rr: { strategy: 'round-robin', deployments: [{ target: 'a/m' }, { target: 'b/m' }, { target: 'c/m' }] } });
    const served: Array<string | null> = [];
    for (let i = 0; i < 6; i++) served.push((await ask(gw, 'group:rr')).served);
    expect(served).toEqual(['group:rr@a/m', 'group:rr@b/m', 'group:rr@c/m', 'group:rr@a/m', 'group:rr@b/m', 'group:rr@c/m']);
  });
});

describe('least-busy and latency steer away from a slow host', () => {
  it('least-busy: the slow host, its calls piling up, gets few of 200 concurrent requests', async () => {
    const hosts = await fakes({ fast: {}, slow: { delayMs: 150 } });
    const gw = await gateway(hosts, { lb: { strategy: 'least-busy', deployments: [{ target: 'fast/m' }, { target: 'slow/m' }] } });
    const answers = await load(200, 10, () => ask(gw, 'group:lb'));
    expect(answers.every((a) => a.content?.startsWith('from '))).toBe(true);
    expect(hosts.slow.requests).toBeLessThan(40);
    expect(hosts.fast.requests).toBeGreaterThan(160);
  });

  it('latency: once measured, the slow host is left alone; after failures the fast one is avoided for a while', async () => {
    const hosts = await fakes({ fast: {}, slow: { delayMs: 100 } });
    const gw = await gateway(hosts, { lat: { strategy: 'latency', deployments: [{ target: 'fast/m' }, { target: 'slow/m' }] } });
    for (let i = 0; i < 30; i++) await ask(gw, 'group:lat');
    // Each is tried once while unmeasured; then the fast one serves.
    expect(hosts.slow.requests).toBeLessThanOrEqual(2);
    expect(hosts.fast.requests).toBeGreaterThanOrEqual(28);

    hosts.fast.set({ status: 503 });
    const failedOver = await ask(gw, 'group:lat');
    expect(failedOver).toMatchObject({ served: 'group:lat@slow/m', attempts: 2 });
    hosts.fast.set({});
    // The failure penalty (2 s, halving every 30 s) puts the fast host behind the 100 ms one.
    const before = hosts.fast.requests;
    for (let i = 0; i < 5; i++) expect((await ask(gw, 'group:lat')).served).toBe('group:lat@slow/m');
    expect(hosts.fast.requests).toBe(before);
  });
});

describe('first-available', () => {
  it('never runs more than maxConcurrent calls on a deployment with 200 concurrent requests; the rest queue and are served', async () => {
    const hosts = await fakes({ one: { delayMs: 5 }, two: { delayMs: 5 } });
    const gw = await gateway(hosts, {
      stateful: { strategy: 'first-available', queueSize: 500, queueTimeoutMs: 120_000, deployments: [{ target: 'one/m', maxConcurrent: 2 }, { target: 'two/m', maxConcurrent: 3 }] },
    });
    const answers = await Promise.all(Array.from({ length: 200 }, () => ask(gw, 'group:stateful')));
    expect(answers.every((a) => a.attempts === 1 && a.content?.startsWith('from '))).toBe(true);
    expect(hosts.one.maxInFlight).toBeLessThanOrEqual(2);
    expect(hosts.two.maxInFlight).toBeLessThanOrEqual(3);
    expect(hosts.one.requests + hosts.two.requests).toBe(200);
    const metrics = await (await fetch(`${gw.url}/metrics`)).json();
    expect(metrics.groups[0].waiting).toBe(0);
    expect(metrics.groups[0].deployments.map((d: { in_flight: number }) => d.in_flight)).toEqual([0, 0]);
  });

  it('when the queue wait times out, the walk moves on along the chain', async () => {
    const hosts = await fakes({ solo: { hold: true }, backup: {} });
    const gw = await gateway(hosts, { busy: { strategy: 'first-available', queueTimeoutMs: 100, deployments: [{ target: 'solo/m' }] } }, { chains: { conversation: ['group:busy', 'backup/m'] } });
    const first = ask(gw, 'router/conversation');
    while (hosts.solo.requests === 0) await new Promise((r) => setTimeout(r, 5));
    const second = await ask(gw, 'router/conversation');
    expect(second).toMatchObject({ served: 'backup/m', attempts: 2, content: 'from backup' });
    hosts.solo.release();
    expect((await first).served).toBe('group:busy@solo/m');
    expect(hosts.solo.maxInFlight).toBe(1);
  });
});

describe('slots and departing clients', () => {
  it('gives a slot back when the client leaves mid-stream, so a one-at-a-time deployment serves the next caller', async () => {
    const upstream = await startFakeOpenAI();
    running.push(upstream);
    const gw = await startGateway({
      routerConfig: { providers: { x: { type: 'openai', baseURL: upstream.baseURL } }, groups: { solo: { strategy: 'first-available', queueTimeoutMs: 60_000, deployments: [{ target: 'x/drip:50' }] } } },
    });
    running.push(gw);
    const controller = new AbortController();
    const res = await fetch(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'group:solo', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      signal: controller.signal,
    });
    expect(res.headers.get('x-router-model')).toBe('group:solo@x/drip:50');
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    const inFlight = async () => (await (await fetch(`${gw.url}/metrics`)).json()).groups[0].deployments[0].in_flight as number;
    await until(() => upstream.closedEarly() === 1, 10_000);
    // The slot is given back when the breaker's call ends; a bounded poll of /metrics sees it.
    let left = await inFlight();
    for (let i = 0; i < 200 && left !== 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      left = await inFlight();
    }
    expect(left).toBe(0);
    expect(await ask(gw, 'group:solo')).toMatchObject({ served: 'group:solo@x/drip:50', attempts: 1 });
  });
});

describe('failure inside a group', () => {
  it('hands a failed deployment’s request to the group’s next pick, then along the chain once maxAttempts is spent', async () => {
    const hosts = await fakes({ bad1: { status: 503 }, bad2: { status: 500 }, good: {}, next: {} });
    const gw = await gateway(
      hosts,
      {
        inside: { strategy: 'round-robin', deployments: [{ target: 'bad1/m' }, { target: 'bad2/m' }, { target: 'good/m' }] },
        capped: { deployments: [{ target: 'bad1/m' }, { target: 'bad2/m' }, { target: 'good/m' }], maxAttempts: 2, strategy: 'round-robin' },
      },
      { chains: { conversation: ['group:capped', 'next/m'] } },
    );
    expect(await ask(gw, 'group:inside')).toMatchObject({ served: 'group:inside@good/m', attempts: 3, content: 'from good' });
    const along = await ask(gw, 'router/conversation');
    expect(along).toMatchObject({ served: 'next/m', attempts: 3 });
    expect(hosts.good.requests).toBe(1);
  });

  it('opens a deployment’s own breaker without touching its siblings, and keeps it through the ad-hoc sweep', async () => {
    const hosts = await fakes({ flaky: { status: 503 }, steady: {} });
    const breaker = { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeout: 600_000 };
    const gw = await gateway(hosts, { pair: { strategy: 'round-robin', deployments: [{ target: 'flaky/m', breaker }, { target: 'steady/m', breaker }] } });
    for (let i = 0; i < 4; i++) expect((await ask(gw, 'group:pair')).served).toBe('group:pair@steady/m');
    const breakers = await (await fetch(`${gw.url}/circuit-breaker`)).json();
    const state = (id: string) => breakers.breakers.find((b: { target: string }) => b.target === id)?.state;
    expect(state('group:pair@flaky/m')).toBe('open');
    expect(state('group:pair@steady/m')).toBe('closed');
    const calls = hosts.flaky.requests;
    for (let i = 0; i < 4; i++) expect(await ask(gw, 'group:pair')).toMatchObject({ served: 'group:pair@steady/m', attempts: 1 });
    expect(hosts.flaky.requests).toBe(calls);
    // Breakers of targets outside every chain expire when idle; a deployment's is configured, so it stays open.
    gw.gateway.breakers.sweep(Date.now() + 24 * 3_600_000);
    expect(gw.gateway.breakers.state('group:pair@flaky/m')).toBe('open');
    const metrics = await (await fetch(`${gw.url}/metrics`)).json();
    expect(metrics.groups[0].deployments.map((d: { breaker_state: string }) => d.breaker_state)).toEqual(['open', 'closed']);
    const reset = await fetch(`${gw.url}/circuit-breaker/reset/group:pair@flaky/m`, { method: 'POST' });
    expect(reset.status).toBe(200);
    expect(gw.gateway.breakers.state('group:pair@flaky/m')).toBe('closed');
  });
});

describe('a rate-limited deployment', () => {
  it('cools down alone: its request goes to a sibling, and it is not called again while cooling', async () => {
    const hosts = await fakes({ limited: { status: 429 }, free: {} });
    const gw = await gateway(hosts, { pair: { strategy: 'round-robin', deployments: [{ target: 'limited/m' }, { target: 'free/m' }] } });
    expect(await ask(gw, 'group:pair')).toMatchObject({ served: 'group:pair@free/m', attempts: 2 });
    expect(gw.gateway.breakers.coolingUntil('group:pair@limited/m')).toBeGreaterThan(Date.now());
    expect(gw.gateway.breakers.coolingUntil('group:pair@free/m')).toBeUndefined();
    hosts.limited.set({});
    for (let i = 0; i < 4; i++) expect(await ask(gw, 'group:pair')).toMatchObject({ served: 'group:pair@free/m', attempts: 1 });
    expect(hosts.limited.requests).toBe(1);
  });
});

describe('tool loops', () => {
  const weatherTool: OpenAI.ChatCompletionTool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

  it('stay on the deployment that issued the calls', async () => {
    const hosts = await fakes({ a: {}, b: {} });
    const gw = await gateway(hosts, { tools: { strategy: 'round-robin', deployments: [{ target: 'a/gpt-4o' }, { target: 'b/gpt-4o' }] } }, { chains: { tools: ['group:tools'] } });
    const first = await ask(gw, 'router/tools', { tools: [weatherTool] });
    expect(first.served).toBe('group:tools@a/gpt-4o');
    const call = first.message.tool_calls![0];
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: null, tool_calls: [call] },
      { role: 'tool', tool_call_id: call.id, content: 'sunny' },
    ];
    // Round-robin would send the next request to b; the loop's next turn goes back to a.
    const second = await gw.client().chat.completions.create({ model: 'router/tools', messages, tools: [weatherTool] }).withResponse();
    expect(second.response.headers.get('x-router-model')).toBe('group:tools@a/gpt-4o');
    expect(second.data.choices[0].message.content).toBe('from a');
    expect(hosts.b.requests).toBe(0);
  });
});

describe('cost', () => {
  it('sends requests to the cheapest deployment by the price table, and streams through a group', async () => {
    const hosts = await fakes({ dear: {}, cheap: {} });
    const providers = { dear: { type: 'openai', baseURL: hosts.dear.baseURL }, cheap: { type: 'openai', baseURL: hosts.cheap.baseURL } };
    const gw = await startGateway({
      routerConfig: { providers, groups: { thrifty: { strategy: 'cost', deployments: [{ target: 'dear/m' }, { target: 'cheap/m' }] } } },
      pricing: { dear: { m: { input: 5, output: 15 } }, cheap: { m: { input: 0.5, output: 1.5 } } },
    });
    running.push(gw);
    for (let i = 0; i < 5; i++) expect((await ask(gw, 'group:thrifty')).served).toBe('group:thrifty@cheap/m');
    const stream = await gw.client().chat.completions.create({ model: 'group:thrifty', stream: true, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(stream.response.headers.get('x-router-model')).toBe('group:thrifty@cheap/m');
    let text = '';
    for await (const chunk of stream.data) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('from cheap');
    expect(hosts.dear.requests).toBe(0);
    // A stream holds its slot until it ends, then gives it back.
    const metrics = await (await fetch(`${gw.url}/metrics`)).json();
    expect(metrics.groups[0].deployments.map((d: { in_flight: number }) => d.in_flight)).toEqual([0, 0]);
    const models = await gw.client().models.list();
    expect(models.data.find((m) => m.id === 'group:thrifty')).toBeUndefined();
  });
});
