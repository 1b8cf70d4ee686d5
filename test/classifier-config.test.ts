// The classifier over /config: tools policy, LLM and hybrid modes against a fake upstream,
// validation, and settings that survive a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { startGateway, type RunningGateway } from './support/start-gateway.ts';

let upstream: FakeUpstream;
let gw: RunningGateway;
const routerConfig = () => ({ providers: { fake: { type: 'openai', baseURL: upstream.baseURL } } });

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  gw = await startGateway({ routerConfig: routerConfig() });
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

const post = (url: string, path: string, body: unknown) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const classify = async (url: string, body: unknown) => (await post(url, '/v1/classify', body)).json();
const weather = { type: 'function', function: { name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

describe('classifier settings over /config', () => {
  it('starts from the environment’s defaults', async () => {
    const settings = await (await fetch(`${gw.url}/config/classifier`)).json();
    expect(settings).toMatchObject({ mode: 'keyword', model: null, toolsPolicy: 'auto', timeoutMs: 1500 });
  });

  it('switches the tools policy for the next request', async () => {
    const chat = { messages: [{ role: 'user', content: 'Write a haiku about autumn leaves' }], tools: [weather] };
    const auto = await classify(gw.url, chat);
    expect(auto.category).toBe('tools');
    expect(auto.reasons.join(' ')).toMatch(/plain function-calling request/);
    expect((await post(gw.url, '/config/classifier', { toolsPolicy: 'intent' })).status).toBe(200);
    expect((await classify(gw.url, chat)).category).toBe('conversation');
    expect((await post(gw.url, '/config/classifier', { toolsPolicy: 'present' })).status).toBe(200);
    expect((await classify(gw.url, chat)).category).toBe('tools');
    expect((await post(gw.url, '/config/classifier', { toolsPolicy: 'auto' })).status).toBe(200);
  });

  it('policy auto: a plain function-calling request is tools in any words; an agent harness is classified by its task', async () => {
    const app = (content: string, extra: unknown[] = []) => ({ messages: [{ role: 'user', content }, ...extra], tools: [weather] });
    // Words that share nothing with the tool, another language, a slot answer in a later turn.
    expect((await classify(gw.url, app('Do I need an umbrella in Lyon tomorrow?'))).category).toBe('tools');
    expect((await classify(gw.url, app('明天北京会下雨吗？'))).category).toBe('tools');
    expect((await classify(gw.url, app('Which city?', [{ role: 'assistant', content: 'Which city?' }, { role: 'user', content: 'Oslo' }]))).category).toBe('tools');

    const kit = ['read', 'write', 'edit', 'exec', 'ls'].map((name) => ({ type: 'function', function: { name, description: `${name} in the workspace`, parameters: { type: 'object', properties: {} } } }));
    const agent = (content: string) => ({ messages: [{ role: 'system', content: 'You are a coding agent.' }, { role: 'user', content }], tools: kit });
    const code = await classify(gw.url, agent('Write a Python function that merges two sorted lists.'));
    expect(code.category).toBe('code');
    expect(code.reasons.join(' ')).toMatch(/agent harness .*the task decides/);
    expect((await classify(gw.url, agent('A train leaves at 3 pm at 60 km/h and another at 4 pm at 80 km/h. When does the second catch up?'))).category).toBe('reasoning');
    expect((await classify(gw.url, agent('Thanks, that is all for today!'))).category).toBe('conversation');
  });

  it('refuses or defuses operator regexes that could backtrack without bound, and classification goes on', async () => {
    // ^(a+)+$ takes exponential time in a backtracking engine: it is run in a linear-time one.
    const created = await post(gw.url, '/config/category', { name: 'aaa', description: 'a run of a', keywords: [{ pattern: '^(a+)+$', weight: 5 }], models: ['fake/text:ok'] });
    expect(created.status).toBe(201);
    const attack = await classify(gw.url, { messages: [{ role: 'user', content: `${'a'.repeat(30)}b` }] });
    expect(attack.category).toBe('conversation');
    expect((await classify(gw.url, { messages: [{ role: 'user', content: 'aaaaaaaa' }] })).category).toBe('aaa');
    expect((await fetch(`${gw.url}/health`)).status).toBe(200);
    expect((await fetch(`${gw.url}/config/category/aaa`, { method: 'DELETE' })).status).toBe(200);

    // A pattern that could backtrack without bound and that the linear engine cannot run is refused, by name.
    const refused = await post(gw.url, '/config/category', { name: 'bad', keywords: [{ pattern: '^(a+)+\\1$', weight: 1 }], models: ['fake/text:ok'] });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.message).toContain('^(a+)+\\1$');
    const boiler = await post(gw.url, '/config/classifier', { boilerplatePatterns: ['(?<=x)(\\s*)+y'] });
    expect(boiler.status).toBe(400);
    expect((await boiler.json()).error).toMatchObject({ param: 'boilerplatePatterns', message: expect.stringContaining('(?<=x)(\\s*)+y') });
    // As a boilerplate pattern, ^(a+)+$ runs in the linear engine too.
    expect((await post(gw.url, '/config/classifier', { boilerplatePatterns: ['^(a+)+$'] })).status).toBe(200);
    expect((await classify(gw.url, { messages: [{ role: 'user', content: `${'a'.repeat(30)}b` }] })).category).toBe('conversation');
    expect((await post(gw.url, '/config/classifier', { boilerplatePatterns: null })).status).toBe(200);
  });

  it('asks an LLM target in llm mode, and falls back to keywords when it is too slow', async () => {
    // The fake answers `text:<words>` with those words: this "LLM" always says reasoning.
    expect((await post(gw.url, '/config/classifier', { mode: 'llm', model: 'fake/text:reasoning' })).status).toBe(200);
    const asked = await classify(gw.url, { messages: [{ role: 'user', content: 'hello there, nice weather today' }] });
    expect(asked).toMatchObject({ category: 'reasoning', method: 'llm' });
    expect(upstream.calls('text:reasoning')).toBe(1);

    expect((await post(gw.url, '/config/classifier', { model: 'fake/slow:2000', timeoutMs: 100 })).status).toBe(200);
    const started = Date.now();
    const fallback = await classify(gw.url, { messages: [{ role: 'user', content: 'hello again, how was your day?' }] });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(fallback).toMatchObject({ category: 'conversation', method: 'keyword' });
    expect(fallback.reasons.join(' ')).toMatch(/time|slow|llm/i);
  });

  it('asks the LLM only when keywords are unsure in hybrid mode', async () => {
    expect((await post(gw.url, '/config/classifier', { mode: 'hybrid', model: 'fake/text:reasoning', timeoutMs: 1500, hybridThreshold: 0.5 })).status).toBe(200);
    const before = upstream.calls('text:reasoning');
    const sure = await classify(gw.url, { messages: [{ role: 'user', content: 'Fix this Python error:\n```\nTraceback (most recent call last):\n  File "a.py", line 3, in <module>\n    print(x)\nNameError: name \'x\' is not defined\n```' }] });
    expect(sure).toMatchObject({ category: 'code', method: 'keyword' });
    expect(upstream.calls('text:reasoning')).toBe(before);
  });

  it('rejects unusable settings with a 400 and keeps the old ones', async () => {
    const cases: Array<[unknown, string]> = [
      [{ mode: 'oracle' }, 'mode'],
      [{ mode: 'llm', model: null }, 'model'],
      [{ model: 'nosuch/model' }, 'model'],
      [{ boilerplatePatterns: ['(unclosed'] }, 'boilerplatePatterns'],
      [{ colour: 'blue' }, ''],
    ];
    for (const [body, param] of cases) {
      const res = await post(gw.url, '/config/classifier', body);
      expect(res.status).toBe(400);
      const { error } = await res.json();
      expect(error.type).toBe('invalid_request_error');
      if (param) expect(error.param).toBe(param);
    }
    expect((await (await fetch(`${gw.url}/config/classifier`)).json()).mode).toBe('hybrid');
  });

  it('keeps settings changed over /config across a restart', async () => {
    await gw.stop();
    gw = await startGateway({ dir: gw.dir, routerConfig: routerConfig() });
    expect(await (await fetch(`${gw.url}/config/classifier`)).json()).toMatchObject({ mode: 'hybrid', model: 'fake/text:reasoning' });
  });
});

describe('classifier settings from the environment', () => {
  it('reads ROUTER_CLASSIFIER, ROUTER_CLASSIFIER_MODEL and ROUTER_TOOLS_POLICY', async () => {
    const other = await startGateway({ routerConfig: routerConfig(), env: { ROUTER_CLASSIFIER: 'llm', ROUTER_CLASSIFIER_MODEL: 'fake/text:code', ROUTER_TOOLS_POLICY: 'present' } });
    try {
      expect(await (await fetch(`${other.url}/config/classifier`)).json()).toMatchObject({ mode: 'llm', model: 'fake/text:code', toolsPolicy: 'present' });
      expect((await classify(other.url, { messages: [{ role: 'user', content: 'hi' }] })).category).toBe('code');
    } finally {
      await other.close();
    }
  });
});
