// GET /requests and GET /requests/{id}: the request log for operators, filtered and paged newest
// first, each page examining a bounded number of rows; one request with its attempts,
// classification, tokens and cost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { fakeKeys, fakeProviders, startGateway, type RunningGateway } from './support/start-gateway.ts';
import { MAX_SCAN } from '../service/store/request-query.ts';

let upstream: FakeUpstream;
let gw: RunningGateway;
const ids: Record<string, string> = {};
const admin = async (path: string) => {
  const res = await fetch(`${gw.url}${path}`, { headers: { authorization: 'Bearer admin' } });
  return { status: res.status, body: await res.json() };
};

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  gw = await startGateway({
    routerConfig: fakeProviders({ primary: upstream.baseURL }),
    env: { ...fakeKeys(['primary']), ROUTER_ADMIN_KEY: 'admin' },
    chains: { code: ['primary/error:503', 'primary/text'], conversation: ['primary/text'] },
    pricing: { primary: { text: { input: 2, output: 10 } } },
  });
  const hi: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hello there' }];
  const code: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Write a Python function that reverses a linked list' }];
  const withAgent = (agent: string) => gw.client({ defaultHeaders: { 'user-agent': agent } });
  ids.chat = (await withAgent('agent-one/1.0').chat.completions.create({ model: 'router/conversation', messages: hi }).withResponse()).response.headers.get('x-request-id')!;
  ids.code = (await withAgent('agent-two/2.0').chat.completions.create({ model: 'router', messages: code }).withResponse()).response.headers.get('x-request-id')!;
  const failed = await withAgent('agent-one/1.0').chat.completions.create({ model: 'primary/error:400', messages: hi }).catch((e) => e);
  ids.failed = failed.headers.get('x-request-id');
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

describe('GET /requests', () => {
  it('needs the admin key', async () => {
    expect((await fetch(`${gw.url}/requests`)).status).toBe(401);
    expect((await fetch(`${gw.url}/requests/${ids.chat}`)).status).toBe(401);
  });

  it('lists requests newest first', async () => {
    const { status, body } = await admin('/requests');
    expect(status).toBe(200);
    expect(body).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
    expect(body.data.map((r: any) => r.id)).toEqual([ids.failed, ids.code, ids.chat]);
  });

  it('filters by category, target, status, outcome, user agent, id and time', async () => {
    const list = async (query: string) => (await admin(`/requests?${query}`)).body.data.map((r: any) => r.id);
    expect(await list('category=code')).toEqual([ids.code]);
    expect(await list('target=primary/text')).toEqual([ids.code, ids.chat]);
    expect(await list('status=400')).toEqual([ids.failed]);
    expect(await list('outcome=error')).toEqual([ids.failed]);
    expect(await list('user_agent=agent-one')).toEqual([ids.failed, ids.chat]);
    expect(await list(`id=${ids.code}`)).toEqual([ids.code]);
    expect(await list(`since=${Date.now() + 60_000}`)).toEqual([]);
    expect(await list(`until=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}&category=conversation`)).toEqual([ids.chat]);
  });

  it('pages with a cursor, without repeating or skipping a row', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const { body } = await admin(`/requests?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...body.data.map((r: any) => r.id));
      cursor = body.next_cursor;
      if (!cursor) break;
    }
    expect(seen).toEqual([ids.failed, ids.code, ids.chat]);
  });

  it('answers 400 to an unusable parameter', async () => {
    for (const [query, param] of [['limit=0', 'limit'], ['limit=1000', 'limit'], ['status=abc', 'status'], ['since=yesterday', 'since'], ['cursor=bm9wZQ', 'cursor'], [`target=${'x'.repeat(300)}`, 'target']]) {
      const { status, body } = await admin(`/requests?${query}`);
      expect(status, query).toBe(400);
      expect(body.error).toMatchObject({ type: 'invalid_request_error', param });
    }
  });

  it(`examines at most ${MAX_SCAN} rows per page and says where to go on`, async () => {
    const old = Date.now() - 3_600_000;
    for (let i = 0; i < MAX_SCAN + 10; i++) {
      gw.gateway.log.add({
        id: `filler-${i}`, ts: old + i, category: 'filler', classifierMethod: null, requestedModel: null, target: null, status: 200, outcome: 'ok', attempts: [], totalMs: 1,
        ttfbMs: null, promptTokens: null, completionTokens: null, cachedTokens: null, reasoningTokens: null, costUsd: null, costSource: 'none', stream: false,
        usageEstimated: false, userAgent: null, error: null,
      });
    }
    const first = await admin('/requests?category=nothing-matches');
    expect(first.body.data).toEqual([]);
    expect(first.body.has_more).toBe(true);
    const second = await admin(`/requests?category=nothing-matches&cursor=${first.body.next_cursor}`);
    expect(second.body).toMatchObject({ data: [], has_more: false, next_cursor: null });
  });
});

describe('GET /requests/{id}', () => {
  it('shows one request with its attempts, classification, tokens and cost', async () => {
    const { status, body } = await admin(`/requests/${ids.code}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: ids.code, category: 'code', classifier_method: 'keyword', target: 'primary/text', status: 200, outcome: 'ok',
      prompt_tokens: 12, completion_tokens: 5, cost_source: 'pricing', user_agent: 'agent-two/2.0', stream: false,
    });
    expect(body.cost_usd).toBeCloseTo((12 * 2 + 5 * 10) / 1e6, 12);
    expect(body.attempts.map((a: any) => [a.target, a.outcome, a.status ?? null, a.kind ?? null])).toEqual([
      ['primary/error:503', 'error', 503, 'http'],
      ['primary/text', 'ok', null, null],
    ]);
    expect(body.classification).toMatchObject({ confidence: expect.any(Number), reasons: expect.arrayContaining([expect.any(String)]) });
    expect(new Date(body.timestamp).getTime()).toBe(body.ts);
  });

  it('answers 404 for an id the log does not hold', async () => {
    const { status, body } = await admin('/requests/no-such-request');
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ type: 'not_found_error', code: 'unknown_request' });
  });
});
