// Property-based: mutated Anthropic Messages and Responses bodies, valid and not, sent to the real
// server with an Anthropic (pass-through) and an OpenAI-family (translated) target behind it. A
// client's mistake is never a 5xx, and every error has the route's own shape.
import fc from 'fast-check';
import { mutate } from '../support/json-mutation.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../support/fake-anthropic-upstream.ts';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai-upstream.ts';
import { startGateway, type RunningGateway } from '../support/start-gateway.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);

let openai: FakeUpstream;
let anthropic: FakeAnthropic;
let gw: RunningGateway;

beforeAll(async () => {
  [openai, anthropic] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()]);
  gw = await startGateway({
    routerConfig: {
      providers: { oa: { type: 'openai', baseURL: openai.baseURL }, anth: { type: 'anthropic', baseURL: anthropic.url, apiKeyEnv: 'ANTH_KEY' } },
      breaker: { volumeThreshold: 1_000_000 },
      dialects: { pingIntervalMs: 1000 },
    },
    env: { ANTH_KEY: 'k' },
    chains: { tools: ['oa/text'], code: ['anth/text'], reasoning: ['oa/text'], conversation: ['anth/text', 'oa/text'] },
  });
}, 30_000);

afterAll(async () => {
  await gw?.close();
  await Promise.all([openai?.close(), anthropic?.close()]);
});

const messagesBase = () => ({
  model: 'claude-opus-5-5',
  max_tokens: 100,
  stream: false,
  system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }],
  tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
  messages: [
    { role: 'user', content: 'What is the weather in Paris?' },
    { role: 'assistant', content: [{ type: 'thinking', thinking: 'Look.', signature: 's' }, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'sunny' }] }, { type: 'text', text: 'And tomorrow?' }] },
  ],
});

const responsesBase = () => ({
  model: 'router',
  stream: false,
  store: false,
  instructions: 'Be brief.',
  tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
  input: [
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }] },
    { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
    { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
  ],
});

const models = fc.constantFrom('router', 'claude-opus-5-5', 'router/code', 'router/tools', 'router/conversation', 'anth/text', 'oa/text', 'router/nosuch', 'nosuch/x', '');
const keys = fc.constantFrom('model', 'messages', 'input', 'stream', 'tools', 'tool_choice', 'max_tokens', 'content', 'role', 'type', 'text', 'system', 'instructions', 'tool_use_id', 'call_id', 'output', 'input_schema', 'parameters', 'previous_response_id');
const mutation = fc.record({
  path: fc.array(fc.oneof(keys, fc.nat(4)), { minLength: 1, maxLength: 4 }),
  action: fc.constantFrom('set', 'delete'),
  value: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string({ maxLength: 30 }), fc.constantFrom(null, true, -1, '', [], {}, 'user', 'assistant', 'system', 'tool_use', 'function_call')),
});


const bodyFor = (base: () => Record<string, unknown>) =>
  fc.tuple(models, fc.boolean(), fc.array(mutation, { maxLength: 4 })).map(([model, stream, ms]) => {
    const b: any = base();
    b.model = model;
    b.stream = stream;
    for (const m of ms) mutate(b, m);
    return JSON.stringify(b);
  });

describe('mutated dialect bodies', () => {
  for (const [route, base, readError] of [
    ['/v1/messages', messagesBase, (e: any) => e.type === 'error' && typeof e.error?.type === 'string' && typeof e.error?.message === 'string'],
    ['/v1/responses', responsesBase, (e: any) => typeof e.error?.type === 'string' && typeof e.error?.message === 'string'],
  ] as const) {
    it(`${route}: never a 5xx for the client's mistakes, and errors in the route's shape`, async () => {
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(bodyFor(base), async (text) => {
          const res = await fetch(`${gw.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
          const answer = await res.text();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status >= 500) throw new Error(`${res.status} for ${text.slice(0, 400)}\n→ ${answer.slice(0, 400)}`);
          if (res.status >= 400) expect(readError(JSON.parse(answer))).toBe(true);
        }),
        { numRuns: RUNS, interruptAfterTimeLimit: 60_000, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
      );
      expect(statuses.get(200) ?? 0).toBeGreaterThan(RUNS / 20);
      expect([...statuses.keys()].some((s) => s >= 400 && s < 500)).toBe(true);
    }, 120_000);
  }
});
