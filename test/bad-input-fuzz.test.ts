// Property-based: thousands of mutated chat bodies, valid and not, sent to the real HTTP server
// with every provider family behind it. A client's mistake is never a 5xx, the server stays up,
// and memory stays bounded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mutate } from './support/json-mutation.ts';
import Database from 'better-sqlite3';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { startFakeAnthropic, type FakeAnthropic } from './support/fake-anthropic-upstream.ts';
import { startFakeGoogle, type FakeGoogle } from './support/fake-google-upstream.ts';
import { startFakeOllama, type FakeOllama } from './support/fake-ollama-upstream.ts';
import { startGateway, type RunningGateway } from './support/start-gateway.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);

let openai: FakeUpstream;
let anthropic: FakeAnthropic;
let google: FakeGoogle;
let ollama: FakeOllama;
let gw: RunningGateway;

beforeAll(async () => {
  [openai, anthropic, google, ollama] = await Promise.all([startFakeOpenAI(), startFakeAnthropic(), startFakeGoogle(), startFakeOllama()]);
  gw = await startGateway({
    routerConfig: {
      providers: {
        oa: { type: 'openai', baseURL: openai.baseURL },
        anth: { type: 'anthropic', baseURL: anthropic.url, apiKeyEnv: 'ANTH_KEY' },
        goog: { type: 'google', baseURL: google.url, apiKeyEnv: 'GOOG_KEY' },
        ol: { type: 'ollama', baseURL: ollama.url },
      },
      breaker: { volumeThreshold: 1_000_000 },
    },
    env: { ANTH_KEY: 'k', GOOG_KEY: 'k' },
    chains: { tools: ['oa/tool'], code: ['anth/text'], reasoning: ['goog/text'], conversation: ['ol/text'] },
  });
}, 30_000);

afterAll(async () => {
  await gw?.close();
  await Promise.all([openai?.close(), anthropic?.close(), google?.close(), ollama?.close()]);
});

const tool = { type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };
const base = () => ({
  model: 'router',
  stream: false,
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'What is the weather in Paris?' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
    { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
    { role: 'user', content: [{ type: 'text', text: 'And tomorrow?' }] },
  ],
  tools: [tool],
  tool_choice: 'auto',
  max_tokens: 100,
});

const models = fc.constantFrom('router', 'auto', 'router/code', 'router/reasoning', 'router/conversation', 'router/tools', 'oa/text', 'anth/text', 'goog/text', 'ol/text', 'nosuch/x', 'router/nosuch', '', 'gpt-4o');
const paths = fc.array(fc.oneof(fc.constantFrom('model', 'messages', 'stream', 'tools', 'tool_choice', 'max_tokens', 'content', 'role', 'tool_calls', 'tool_call_id', 'function', 'arguments', 'type', 'text', 'parameters'), fc.nat(6)), { minLength: 1, maxLength: 4 });
const mutation = fc.record({
  path: paths,
  action: fc.constantFrom('set', 'delete'),
  value: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string({ maxLength: 50 }), fc.constantFrom(null, true, -1, 1e308, '', [], {}, 'user', 'tool', 'assistant')),
});


const body = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(models, fc.boolean(), fc.array(mutation, { maxLength: 4 })).map(([model, stream, ms]) => {
    const b: any = base();
    b.model = model;
    b.stream = stream;
    for (const m of ms) mutate(b, m);
    return JSON.stringify(b);
  }) },
  // Broken JSON: a valid body cut short or with bytes spliced in.
  { weight: 2, arbitrary: fc.tuple(fc.nat(), fc.string({ maxLength: 5 })).map(([at, junk]) => {
    const text = JSON.stringify(base());
    const i = at % text.length;
    return text.slice(0, i) + junk;
  }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
);

describe('bad input', () => {
  it(`never answers a 5xx to ${RUNS} mutated bodies, and stays up with bounded memory`, async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const statuses = new Map<number, number>();
    const ids: string[] = [];
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const res = await fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
        const answer = await res.text();
        ids.push(res.headers.get('x-request-id') ?? 'missing x-request-id');
        seen.set(ids.at(-1)!, res.status);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500) throw new Error(`${res.status} for ${text.slice(0, 400)}\n→ ${answer.slice(0, 400)}`);
        if (res.status >= 400) {
          const error = JSON.parse(answer).error;
          expect(typeof error.message).toBe('string');
          expect(typeof error.type).toBe('string');
          expect('param' in error && 'code' in error).toBe(true);
        }
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: 240_000, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
    // Both kinds were exercised: requests that were served and requests that were refused.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(RUNS / 100);
    expect([...statuses.keys()].some((s) => s >= 400 && s < 500)).toBe(true);
    const health = await fetch(`${gw.url}/health`);
    expect(health.status).toBe(200);
    expect((await health.json()).escaped_errors).toBe(0);
    // Every request that reached the gateway is recorded, exactly as the client saw it.
    gw.gateway.log.flush();
    const db = new Database(gw.config.dbPath, { readonly: true });
    const stored = new Map((db.prepare('SELECT id, status FROM requests').all() as Array<{ id: string; status: number }>).map((r) => [r.id, r.status]));
    db.close();
    expect(ids.filter((id) => stored.get(id) !== seen.get(id))).toEqual([]);
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    expect(heapGrowthMb).toBeLessThan(150);
  }, 300_000);
});
