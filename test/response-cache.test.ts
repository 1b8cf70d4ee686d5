// The response cache (issue 14), through the real server with the openai SDK against a fake upstream:
// hits and misses, faithful replay across plain and streamed requests, what is never stored, expiry,
// eviction, Cache-Control, coalescing, restarts, cid keys and the accounting.
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { CID } from 'multiformats/cid';
import type OpenAI from 'openai';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { fakeKeys, fakeProviders, startGateway, type RunningGateway, type StartOptions } from './support/start-gateway.ts';

let upstream: FakeUpstream;
let gw: RunningGateway;
let clockOffsetMs = 0;
let unique = 0;

const pricing = { primary: { text: { input: 2, output: 10 }, tool: { input: 2, output: 10 }, reason: { input: 2, output: 10 } } };

function start(options: StartOptions = {}): Promise<RunningGateway> {
  return startGateway({
    routerConfig: fakeProviders({ primary: upstream.baseURL }),
    pricing,
    ...options,
    env: { ...fakeKeys(['primary']), ROUTER_LOG_FLUSH_MS: '60000', ...options.env },
  });
}

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  gw = await start({ env: { ROUTER_CACHE: 'on' }, overrides: { cacheClock: () => Date.now() + clockOffsetMs } });
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

/** A prompt no other test sends, so each test has its own keys. */
function prompt(label: string): string {
  return `${label} #${++unique}`;
}

function callsFor(content: string): number {
  return upstream.requests.filter((r) => r.body.messages.at(-1)?.content === content).length;
}

type Body = OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;

async function plain(g: RunningGateway, body: Body, headers: Record<string, string> = {}) {
  const { data, response } = await g.client().chat.completions.create(body, { headers }).withResponse();
  return { completion: data, headers: response.headers };
}

async function streamed(g: RunningGateway, body: Body, headers: Record<string, string> = {}, includeUsage = true) {
  const { data, response } = await g
    .client()
    .chat.completions.create({ ...body, stream: true, stream_options: includeUsage ? { include_usage: true } : undefined }, { headers })
    .withResponse();
  const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
  for await (const chunk of data) chunks.push(chunk);
  return { chunks, headers: response.headers };
}

/** The SSE body exactly as sent. */
async function rawSse(g: RunningGateway, body: Record<string, unknown>): Promise<{ text: string; cache: string | null }> {
  const response = await fetch(`${g.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, stream: true }) });
  return { text: await response.text(), cache: response.headers.get('x-router-cache') };
}

function joined(chunks: OpenAI.Chat.ChatCompletionChunk[]) {
  let content = '';
  let reasoning = '';
  const calls: Array<{ id?: string; name: string; arguments: string }> = [];
  for (const chunk of chunks) {
    const delta = chunk.choices[0]?.delta as (OpenAI.Chat.ChatCompletionChunk.Choice.Delta & { reasoning_content?: string }) | undefined;
    content += delta?.content ?? '';
    reasoning += delta?.reasoning_content ?? '';
    for (const call of delta?.tool_calls ?? []) {
      calls[call.index] ??= { name: '', arguments: '' };
      if (call.id) calls[call.index].id = call.id;
      calls[call.index].name += call.function?.name ?? '';
      calls[call.index].arguments += call.function?.arguments ?? '';
    }
  }
  return { content, reasoning, calls, usage: chunks.find((c) => c.usage)?.usage ?? null, finish: chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean).at(-1) };
}

function row(g: RunningGateway, id: string | null): Record<string, any> {
  g.gateway.log.flush();
  const db = new Database(g.config.dbPath, { readonly: true });
  const found = db.prepare('SELECT * FROM requests WHERE id = ?').get(id) as Record<string, any>;
  db.close();
  return found;
}

async function admin(g: RunningGateway, method: string, route: string): Promise<any> {
  const response = await fetch(`${g.url}${route}`, { method });
  expect(response.status).toBe(200);
  return response.json();
}

const weather: OpenAI.Chat.ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];

describe('hits and misses', () => {
  it('answers the second identical request from the cache: one upstream call, same answer, cost 0 and the cost saved', async () => {
    const content = prompt('capital of France');
    const body: Body = { model: 'primary/text', messages: [{ role: 'user', content }], temperature: 0 };
    const first = await plain(gw, body);
    const second = await plain(gw, body);
    expect(callsFor(content)).toBe(1);
    expect(first.headers.get('x-router-cache')).toBe('MISS');
    expect(second.headers.get('x-router-cache')).toBe('HIT');
    expect(second.headers.get('x-router-cache-key')).toBe(first.headers.get('x-router-cache-key'));
    expect(second.headers.get('x-router-cache-key')).toMatch(/^[0-9a-f]{64}$/);
    expect(second.headers.get('x-router-model')).toBe('primary/text');
    expect(second.completion).toEqual(first.completion);

    const missRow = row(gw, first.headers.get('x-request-id'));
    const hitRow = row(gw, second.headers.get('x-request-id'));
    expect(missRow).toMatchObject({ cache: 'MISS', target: 'primary/text', cost_source: 'pricing' });
    expect(hitRow).toMatchObject({ cache: 'HIT', target: 'primary/text', outcome: 'ok', cost_usd: 0, cost_source: 'cache', attempt_count: 0 });
    expect(hitRow.cost_saved_usd).toBeCloseTo(missRow.cost_usd, 12);
    expect(hitRow.cost_saved_usd).toBeGreaterThan(0);
    const shown = await admin(gw, 'GET', `/requests/${second.headers.get('x-request-id')}`);
    expect(shown).toMatchObject({ cache: 'HIT', cost_usd: 0, target: 'primary/text' });
  });

  it('keys on the routed request: stream, user and metadata do not split entries; a parameter does', async () => {
    const content = prompt('keys');
    const body: Body = { model: 'primary/text', messages: [{ role: 'user', content }] };
    await plain(gw, body);
    expect((await plain(gw, { ...body, user: 'someone-else', metadata: { run: '2' }, store: false })).headers.get('x-router-cache')).toBe('HIT');
    expect((await streamed(gw, body)).headers.get('x-router-cache')).toBe('HIT');
    expect((await plain(gw, { ...body, temperature: 0.5 })).headers.get('x-router-cache')).toBe('MISS');
    expect(callsFor(content)).toBe(2);
  });
});

describe('faithful replay', () => {
  it('replays a stream byte for byte: content, reasoning, usage chunk and [DONE]', async () => {
    const body = { model: 'primary/reason:Paris is the capital.', messages: [{ role: 'user', content: prompt('stream replay') }], stream_options: { include_usage: true } };
    const miss = await rawSse(gw, body);
    const hit = await rawSse(gw, body);
    expect([miss.cache, hit.cache]).toEqual(['MISS', 'HIT']);
    expect(hit.text).toBe(miss.text);
    expect(miss.text).toContain('"reasoning_content":"think "');
    expect(miss.text).toContain('"usage":{"prompt_tokens":12');
    expect(hit.text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('replays streamed tool calls byte for byte, and without usage for a client that did not ask', async () => {
    const body = { model: 'primary/tool', messages: [{ role: 'user', content: prompt('weather in Paris?') }], tools: weather };
    const miss = await rawSse(gw, body);
    const hit = await rawSse(gw, body);
    expect(hit.cache).toBe('HIT');
    expect(hit.text).toBe(miss.text);
    expect(hit.text).not.toContain('"usage"');
    const sdk = await streamed(gw, body as Body);
    expect(joined(sdk.chunks).calls).toEqual([{ id: 'call_fake123', name: 'get_weather', arguments: '{"city":"Paris"}' }]);
  });

  it('serves a stored plain answer to a streamed request: same text, reasoning, tool calls and usage', async () => {
    for (const model of ['primary/reason:Plain first, then streamed.', 'primary/tool']) {
      const body: Body = { model, messages: [{ role: 'user', content: prompt('plain then stream') }], tools: model === 'primary/tool' ? weather : undefined };
      const first = await plain(gw, body);
      const second = await streamed(gw, body);
      expect(second.headers.get('x-router-cache')).toBe('HIT');
      const message = first.completion.choices[0].message as OpenAI.Chat.ChatCompletionMessage & { reasoning_content?: string };
      const replay = joined(second.chunks);
      expect(replay.content).toBe(message.content ?? '');
      expect(replay.reasoning).toBe(message.reasoning_content ?? '');
      expect(replay.calls).toEqual((message.tool_calls ?? []).map((c) => ({ id: c.id, name: (c as any).function.name, arguments: (c as any).function.arguments })));
      expect(replay.usage).toEqual(first.completion.usage);
      expect(replay.finish).toBe(first.completion.choices[0].finish_reason);
      expect(second.chunks.every((c) => c.id === first.completion.id)).toBe(true);
    }
  });

  it('serves a stored stream to a plain request as one completion', async () => {
    const body: Body = { model: 'primary/tool', messages: [{ role: 'user', content: prompt('stream then plain') }], tools: weather };
    const first = joined((await streamed(gw, body)).chunks);
    const second = await plain(gw, body);
    expect(second.headers.get('x-router-cache')).toBe('HIT');
    expect(second.completion.choices[0]).toMatchObject({ finish_reason: 'tool_calls', message: { role: 'assistant', content: null } });
    expect(second.completion.choices[0].message.tool_calls).toEqual([{ id: 'call_fake123', type: 'function', function: { name: 'get_weather', arguments: first.calls[0].arguments } }]);
    expect(second.completion.usage).toEqual(first.usage);
  });
});

describe('never stored', () => {
  it('an error, a stream cut mid-way, a truncated answer, n > 1 and a tool-loop turn all reach upstream every time', async () => {
    const cases: Array<{ body: Body; stream?: boolean; header?: string | null }> = [
      { body: { model: 'primary/error:500#never', messages: [{ role: 'user', content: prompt('error') }] } },
      { body: { model: 'primary/cut-mid-stream', messages: [{ role: 'user', content: prompt('cut') }] }, stream: true },
      { body: { model: 'primary/stream-error-event', messages: [{ role: 'user', content: prompt('error event') }] }, stream: true },
      { body: { model: 'primary/length', messages: [{ role: 'user', content: prompt('length plain') }] } },
      { body: { model: 'primary/length', messages: [{ role: 'user', content: prompt('length stream') }] }, stream: true },
      { body: { model: 'primary/text', n: 2, messages: [{ role: 'user', content: prompt('n2') }] }, header: 'BYPASS' },
      {
        body: {
          model: 'primary/tool',
          tools: weather,
          messages: [
            { role: 'user', content: 'weather?' },
            { role: 'assistant', content: null, tool_calls: [{ id: 'call_fake123', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
            { role: 'tool', tool_call_id: 'call_fake123', content: prompt('sunny') },
          ],
        },
        header: 'BYPASS',
      },
    ];
    for (const c of cases) {
      for (let i = 0; i < 2; i++) {
        const response = await fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...c.body, stream: c.stream }) });
        await response.text();
        if (c.header) {
          expect(response.headers.get('x-router-cache')).toBe(c.header);
          expect(response.headers.get('x-router-cache-key')).toBeNull();
        }
      }
      expect(callsFor(c.body.messages.at(-1)!.content as string), c.body.model).toBe(2);
    }
  });

  it('a stream the client left is not stored', async () => {
    const body = { model: 'primary/drip:20', messages: [{ role: 'user', content: prompt('left') }], stream: true };
    for (let i = 0; i < 2; i++) {
      const controller = new AbortController();
      const response = await fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: controller.signal });
      expect(response.headers.get('x-router-cache')).toBe('MISS');
      const reader = response.body!.getReader();
      await reader.read();
      controller.abort();
      await reader.closed.catch(() => undefined);
    }
    expect(callsFor(body.messages[0].content)).toBe(2);
  });

  it('a tool-loop turn is cached where the category opts in', async () => {
    await fetch(`${gw.url}/config/category`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'agent-loops', description: 'tool loops', chain: ['primary/tool'], cache: { ttlSeconds: 600, toolLoops: true } }),
    });
    const content = prompt('rainy');
    const body: Body = {
      model: 'router/agent-loops',
      tools: weather,
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_other', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_other', content },
      ],
    };
    await plain(gw, body);
    expect((await plain(gw, body)).headers.get('x-router-cache')).toBe('HIT');
    expect(callsFor(content)).toBe(1);
  });
});

describe('expiry, clearing and damage', () => {
  it('an entry past its TTL (global, or the category’s own) is a miss', async () => {
    const body: Body = { model: 'primary/text', messages: [{ role: 'user', content: prompt('ttl') }] };
    await plain(gw, body);
    clockOffsetMs = 3599_000;
    expect((await plain(gw, body)).headers.get('x-router-cache')).toBe('HIT');
    clockOffsetMs = 3601_000;
    expect((await plain(gw, body)).headers.get('x-router-cache')).toBe('MISS');
    clockOffsetMs = 0;

    await fetch(`${gw.url}/config/category`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'short-lived', description: 'x', chain: ['primary/text'], cache: { ttlSeconds: 10 } }),
    });
    const short: Body = { model: 'router/short-lived', messages: [{ role: 'user', content: prompt('short ttl') }] };
    await plain(gw, short);
    clockOffsetMs = 9_000;
    expect((await plain(gw, short)).headers.get('x-router-cache')).toBe('HIT');
    clockOffsetMs = 11_000;
    expect((await plain(gw, short)).headers.get('x-router-cache')).toBe('MISS');
    clockOffsetMs = 0;
  });

  it('a cleared or corrupt entry is a miss, never an error; DELETE /cache?category= clears only that category', async () => {
    const direct: Body = { model: 'primary/text', messages: [{ role: 'user', content: prompt('clear me') }] };
    const routed: Body = { model: 'router/short-lived', messages: [{ role: 'user', content: prompt('keep me') }] };
    const key = (await plain(gw, direct)).headers.get('x-router-cache-key');
    await plain(gw, routed);
    const cleared = await admin(gw, 'DELETE', '/cache?category=direct');
    expect(cleared.deleted).toBeGreaterThanOrEqual(1);
    expect((await plain(gw, direct)).headers.get('x-router-cache')).toBe('MISS');
    expect((await plain(gw, routed)).headers.get('x-router-cache')).toBe('HIT');

    const db = new Database(gw.config.dbPath);
    db.prepare('UPDATE response_cache SET body = ? WHERE key = ?').run('{"not": "an answer"', key);
    db.close();
    const afterDamage = await plain(gw, direct);
    expect(afterDamage.headers.get('x-router-cache')).toBe('MISS');
    expect(afterDamage.completion.choices[0].message.content).toBe('Hello from text');
    expect((await plain(gw, direct)).headers.get('x-router-cache')).toBe('HIT');
    expect((await admin(gw, 'GET', '/cache')).since_start.corrupt).toBeGreaterThanOrEqual(1);

    expect((await admin(gw, 'DELETE', '/cache')).category).toBeNull();
    expect((await admin(gw, 'GET', '/cache')).store.entries).toBe(0);
    expect((await plain(gw, routed)).headers.get('x-router-cache')).toBe('MISS');
  });
});

describe('Cache-Control', () => {
  it('no-store bypasses, no-cache refreshes, max-age bounds the age of what is accepted', async () => {
    const body: Body = { model: 'primary/text', messages: [{ role: 'user', content: prompt('controls') }] };
    const content = body.messages[0].content as string;
    expect((await plain(gw, body, { 'cache-control': 'no-store' })).headers.get('x-router-cache')).toBe('BYPASS');
    expect((await plain(gw, body)).headers.get('x-router-cache')).toBe('MISS');
    expect(callsFor(content)).toBe(2);
    const refreshed = await plain(gw, body, { 'cache-control': 'no-cache' });
    expect(refreshed.headers.get('x-router-cache')).toBe('REFRESH');
    expect(refreshed.headers.get('x-router-cache-key')).toMatch(/^[0-9a-f]{64}$/);
    expect(callsFor(content)).toBe(3);
    expect((await plain(gw, body, { 'cache-control': 'no-store' })).headers.get('x-router-cache')).toBe('BYPASS');
    expect(callsFor(content)).toBe(4);

    clockOffsetMs = 5_000;
    expect((await plain(gw, body, { 'cache-control': 'max-age=3600' })).headers.get('x-router-cache')).toBe('HIT');
    expect((await plain(gw, body, { 'cache-control': 'max-age=3' })).headers.get('x-router-cache')).toBe('MISS');
    clockOffsetMs = 0;
    expect(callsFor(content)).toBe(5);
  });
});

describe('coalescing', () => {
  it('50 identical requests at once make one upstream call; plain and streamed alike get its answer', async () => {
    const content = prompt('fifty at once');
    const body: Body = { model: 'primary/slow:300', messages: [{ role: 'user', content }] };
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 2 === 0
          ? plain(gw, body).then((r) => ({ text: r.completion.choices[0].message.content, cache: r.headers.get('x-router-cache') }))
          : streamed(gw, body).then((r) => ({ text: joined(r.chunks).content, cache: r.headers.get('x-router-cache') })),
      ),
    );
    expect(callsFor(content)).toBe(1);
    expect(new Set(results.map((r) => r.text))).toEqual(new Set(['300']));
    expect(results.filter((r) => r.cache === 'MISS')).toHaveLength(1);
    expect(results.filter((r) => r.cache === 'HIT')).toHaveLength(49);
    expect((await admin(gw, 'GET', '/cache')).since_start.coalesced).toBeGreaterThanOrEqual(49);
  });

  it('a failed or unstorable leading call releases the others to call on their own', async () => {
    for (const model of ['primary/late-error:200#coalesce', 'primary/length']) {
      const content = prompt(`released by ${model}`);
      const body: Body = { model, messages: [{ role: 'user', content }] };
      const statuses = await Promise.all(
        Array.from({ length: 3 }, () =>
          plain(gw, body).then(
            () => 200,
            (error: { status?: number }) => error.status ?? 0,
          ),
        ),
      );
      expect(callsFor(content), model).toBe(3);
      expect(new Set(statuses)).toEqual(new Set([model === 'primary/length' ? 200 : 502]));
    }
  });
});

describe('accounting', () => {
  it('/metrics JSON and Prometheus show hits, misses, hit rate, bytes and USD saved', async () => {
    const body: Body = { model: 'primary/text', messages: [{ role: 'user', content: prompt('metrics') }] };
    await plain(gw, body);
    await plain(gw, body);
    const metrics = await admin(gw, 'GET', '/metrics');
    expect(metrics.cache.hits).toBeGreaterThanOrEqual(1);
    expect(metrics.cache.misses).toBeGreaterThanOrEqual(1);
    expect(metrics.cache.hit_rate).toBeGreaterThan(0);
    expect(metrics.cache.hit_rate).toBeLessThan(1);
    expect(metrics.cache.saved_usd).toBeGreaterThan(0);
    expect(metrics.cache.stored_bytes).toBeGreaterThan(0);
    const text = await (await fetch(`${gw.url}/metrics?format=prometheus`)).text();
    expect(text).toMatch(/llm_router_cache_requests_total\{result="hit"\} [1-9]/);
    expect(text).toMatch(/llm_router_cache_requests_total\{result="miss"\} [1-9]/);
    expect(text).toMatch(/llm_router_cache_hit_ratio 0\.\d+/);
    expect(text).toMatch(/llm_router_cache_bytes [1-9]/);
    expect(text).toMatch(/llm_router_cache_saved_usd_total\{category="direct",target="primary\/text"\} \d/);
  });
});

describe('other gateways', () => {
  it('off by default: no cache headers and every request goes upstream', async () => {
    const off = await start();
    try {
      const body: Body = { model: 'primary/text', messages: [{ role: 'user', content: prompt('off') }] };
      const first = await plain(off, body);
      await plain(off, body);
      expect(first.headers.get('x-router-cache')).toBeNull();
      expect(callsFor(body.messages[0].content as string)).toBe(2);
    } finally {
      await off.close();
    }
  });

  it('a category turns it on for itself, from its categories file, while ROUTER_CACHE is off', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'router-cache-'));
    mkdirSync(path.join(dir, 'categories'), { recursive: true });
    writeFileSync(path.join(dir, 'categories', 'faq.json'), JSON.stringify({ name: 'faq', description: 'questions', keywords: [], chain: ['primary/text'], cache: { ttlSeconds: 120 } }));
    const g = await start({ dir });
    try {
      const content = prompt('faq');
      await plain(g, { model: 'router/faq', messages: [{ role: 'user', content }] });
      const second = await plain(g, { model: 'router/faq', messages: [{ role: 'user', content }] });
      expect(second.headers.get('x-router-cache')).toBe('HIT');
      expect((await plain(g, { model: 'primary/text', messages: [{ role: 'user', content }] })).headers.get('x-router-cache')).toBeNull();
      expect((await admin(g, 'GET', '/config')).categories.find((c: any) => c.name === 'faq').cache).toEqual({ ttlSeconds: 120 });
    } finally {
      await g.close();
    }
  });

  it('a category declared in ROUTER_CONFIG carries its cache setting', async () => {
    const g = await start({ routerConfig: { ...(fakeProviders({ primary: upstream.baseURL }) as object), categories: { declared: { chain: ['primary/text'], cache: { ttlSeconds: 60 } } } } });
    try {
      const body: Body = { model: 'router/declared', messages: [{ role: 'user', content: prompt('declared') }] };
      await plain(g, body);
      expect((await plain(g, body)).headers.get('x-router-cache')).toBe('HIT');
      expect(callsFor(body.messages[0].content as string)).toBe(1);
    } finally {
      await g.close();
    }
  });

  it('serves the Responses API from the same cache', async () => {
    const content = prompt('responses');
    const ask = () => gw.client().responses.create({ model: 'primary/text', input: content }).withResponse();
    const first = await ask();
    const second = await ask();
    expect(first.response.headers.get('x-router-cache')).toBe('MISS');
    expect(second.response.headers.get('x-router-cache')).toBe('HIT');
    expect(second.data.output_text).toBe(first.data.output_text);
    expect(callsFor(content)).toBe(1);
  });

  it('keeps entries across a restart', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'router-cache-'));
    const body: Body = { model: 'primary/text', messages: [{ role: 'user', content: prompt('restart') }] };
    const before = await start({ dir, env: { ROUTER_CACHE: 'on' } });
    await plain(before, body);
    await before.stop();
    const after = await start({ dir, env: { ROUTER_CACHE: 'on' } });
    try {
      expect((await plain(after, body)).headers.get('x-router-cache')).toBe('HIT');
      expect(callsFor(body.messages[0].content as string)).toBe(1);
    } finally {
      await after.close();
    }
  });

  it('gives CIDv1 keys under ROUTER_CACHE_KEY=cid', async () => {
    const g = await start({ env: { ROUTER_CACHE: 'on', ROUTER_CACHE_KEY: 'cid' } });
    try {
      const body: Body = { model: 'primary/text', messages: [{ role: 'user', content: prompt('cid') }] };
      const first = await plain(g, body);
      const second = await plain(g, body);
      const key = second.headers.get('x-router-cache-key')!;
      expect(second.headers.get('x-router-cache')).toBe('HIT');
      expect(key).toBe(first.headers.get('x-router-cache-key'));
      const cid = CID.parse(key);
      expect(cid.version).toBe(1);
      expect(cid.toString()).toBe(key);
    } finally {
      await g.close();
    }
  });

  it('evicts the least recently hit entries once over ROUTER_CACHE_MAX_MB', async () => {
    const sizing = await start({ env: { ROUTER_CACHE: 'on' } });
    const bodyOf = (label: string): Body => ({ model: 'primary/text', messages: [{ role: 'user', content: `eviction ${label}` }] });
    let entryBytes: number;
    try {
      await plain(sizing, bodyOf('A'));
      entryBytes = (await admin(sizing, 'GET', '/cache')).store.bytes;
    } finally {
      await sizing.close();
    }
    // Room for two entries, not three.
    const g = await start({ env: { ROUTER_CACHE: 'on', ROUTER_CACHE_MAX_MB: String((entryBytes * 2.5) / 1024 / 1024) } });
    try {
      await plain(g, bodyOf('A'));
      await plain(g, bodyOf('B'));
      expect((await plain(g, bodyOf('A'))).headers.get('x-router-cache')).toBe('HIT');
      await plain(g, bodyOf('C'));
      const stats = await admin(g, 'GET', '/cache');
      expect(stats.store.entries).toBe(2);
      expect(stats.store.bytes).toBeLessThanOrEqual(stats.store.max_bytes);
      expect((await plain(g, bodyOf('A'))).headers.get('x-router-cache')).toBe('HIT');
      expect((await plain(g, bodyOf('B'))).headers.get('x-router-cache')).toBe('MISS');
    } finally {
      await g.close();
    }
  });

  it('answers when SQLite fails under the cache: the failed write is logged and counted', async () => {
    const g = await start({ env: { ROUTER_CACHE: 'on' } });
    try {
      const db = new Database(g.config.dbPath);
      db.exec('DROP TABLE response_cache');
      db.close();
      const body: Body = { model: 'primary/text', messages: [{ role: 'user', content: prompt('broken disk') }] };
      for (let i = 0; i < 2; i++) {
        const answer = await plain(g, body);
        expect(answer.completion.choices[0].message.content).toBe('Hello from text');
        expect(answer.headers.get('x-router-cache')).toBe('MISS');
      }
      const stats = await admin(g, 'GET', '/cache');
      expect(stats.since_start.write_errors).toBe(2);
      expect(stats.since_start.read_errors).toBe(2);
      const streamedAnswer = await streamed(g, body);
      expect(joined(streamedAnswer.chunks).content).toBe('Hello from text');
    } finally {
      await g.close();
    }
  });
});
