// Replays every recorded OpenAI and OpenRouter response, byte for byte, from a local server at
// the provider's real path, through the gateway, and checks what the OpenAI SDK client receives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Database from 'better-sqlite3';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai-upstream.ts';
import { startReplayServer, type ReplayServer } from '../support/fixture-replay-server.ts';
import { fixturesPresent, responseFixtures, skipNote, type ResponseFixture } from '../support/shared-fixtures.ts';
import { readOpenAIJson, readOpenAISse, type WireAnswer } from '../support/openai-wire.ts';
import { startGateway, type RunningGateway } from '../support/start-gateway.ts';

skipNote('openai-family conformance');

const suites = [
  { folder: 'openai', provider: 'fxopenai', path: '/v1/chat/completions', prefix: '/v1' },
  { folder: 'openrouter', provider: 'fxopenrouter', path: '/api/v1/chat/completions', prefix: '/api/v1' },
];

describe.skipIf(!fixturesPresent)('OpenAI-family fixtures through the gateway', () => {
  const servers: ReplayServer[] = [];
  let backup: FakeUpstream;
  let gw: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    backup = await startFakeOpenAI();
    const providers: Record<string, unknown> = { backup: { type: 'openai', baseURL: backup.baseURL } };
    for (const s of suites) {
      const server = await startReplayServer(responseFixtures(s.folder), (url) => url === s.path, (_url, body) => body.model);
      servers.push(server);
      providers[s.provider] = { type: 'openai', baseURL: `${server.url}${s.prefix}` };
    }
    gw = await startGateway({ routerConfig: { providers } });
    client = gw.client();
  });

  afterAll(async () => {
    await gw?.close();
    await backup?.close();
    for (const s of servers) await s.close();
  });

  for (const suite of suites) {
    for (const fixture of responseFixtures(suite.folder)) {
      it(`${suite.folder}/${fixture.file}`, async () => {
        await setChain([`${suite.provider}/${fixture.name}`, 'backup/text']);
        const expected = fixture.stream ? readOpenAISse(fixture.body.toString('utf8')) : fixture.status === 200 ? readOpenAIJson(JSON.parse(fixture.body.toString('utf8'))) : null;
        const body = requestFor(fixture);
        if (fixture.status !== 200) return checkError(fixture, suite.provider, body);
        if (fixture.stream) return checkStream(fixture, suite.provider, body, expected!);
        const { data, response } = await client.chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming).withResponse();
        expect(response.headers.get('x-router-model')).toBe(`${suite.provider}/${fixture.name}`);
        expectSame(readOpenAIJson(data), expected!);
        await checkCost(response.headers.get('x-request-id')!, fixture);
      });
    }
  }

  async function setChain(models: string[]) {
    const res = await fetch(`${gw.url}/config/model-mapping`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ category: 'conversation', models }) });
    expect(res.status).toBe(200);
  }

  function requestFor(fixture: ResponseFixture): Record<string, unknown> {
    // The recorded request when there is one: real-world bodies must pass validation too.
    const base = fixture.request ?? { messages: [{ role: 'user', content: 'Say hello' }] };
    return { ...base, model: 'router/conversation', stream: fixture.stream, ...(fixture.stream ? { stream_options: { include_usage: true } } : {}) };
  }

  async function checkStream(fixture: ResponseFixture, provider: string, body: Record<string, unknown>, expected: WireAnswer) {
    const { data: stream, response } = await client.chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsStreaming).withResponse();
    let received = '';
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    let thrown: unknown;
    try {
      for await (const chunk of stream) chunks.push(chunk);
    } catch (error) {
      thrown = error;
    }
    received = chunks.map((c) => `data: ${JSON.stringify(c)}`).join('\n\n');
    const got = readOpenAISse(received);
    if (expected.error && !expected.contentBeforeError) {
      // Failed before any content: the client never sees it, the chain moved on.
      expect(response.headers.get('x-router-model')).toBe('backup/text');
      expect(response.headers.get('x-router-attempts')).toBe('2');
      expect(got.text).toBe('Hello from text');
      return;
    }
    expect(response.headers.get('x-router-model')).toBe(`${provider}/${fixture.name}`);
    if (expected.error) {
      // Failed after content: what was sent stays, then the stream ends with the error.
      expect(thrown).toBeInstanceOf(OpenAI.APIError);
      expect((thrown as Error).message).toContain(expected.error.message);
      expect(got.text).toBe(expected.text);
      return;
    }
    expect(thrown).toBeUndefined();
    expectSame(got, expected);
    await checkCost(response.headers.get('x-request-id')!, fixture);
  }

  async function checkError(fixture: ResponseFixture, provider: string, body: Record<string, unknown>) {
    const upstreamError = JSON.parse(fixture.body.toString('utf8')).error;
    const res = await fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = await res.json();
    if (fixture.status === 400 || fixture.status === 422) {
      // About the request itself: returned at once, in OpenAI's shape, the chain does not move on.
      expect(res.status).toBe(fixture.status);
      expect(answer.error).toMatchObject({ type: upstreamError.type, param: upstreamError.param ?? null, code: upstreamError.code ?? null });
      expect(answer.error.message).toContain(upstreamError.message);
      expect(res.headers.get('x-router-attempts')).toBe('1');
      return;
    }
    // Rate limits, auth and missing models are the target's problem: the next target serves.
    expect(res.status).toBe(200);
    expect(res.headers.get('x-router-model')).toBe('backup/text');
    gw.gateway.log.flush();
    const db = new Database(gw.config.dbPath, { readonly: true });
    const row = db.prepare('SELECT attempts FROM requests WHERE id = ?').get(res.headers.get('x-request-id')) as { attempts: string };
    db.close();
    const first = JSON.parse(row.attempts)[0];
    expect(first).toMatchObject({ target: `${provider}/${fixture.name}`, outcome: 'error', status: fixture.status });
    expect(first.error).toContain(upstreamError.message.slice(0, 40));
    if (upstreamError.metadata) expect(first.detail).toEqual(upstreamError.metadata);
  }

  async function checkCost(requestId: string, fixture: ResponseFixture) {
    gw.gateway.log.flush();
    const db = new Database(gw.config.dbPath, { readonly: true });
    const row = db.prepare('SELECT cost_usd, cost_source, prompt_tokens, completion_tokens FROM requests WHERE id = ?').get(requestId) as Record<string, any>;
    db.close();
    const usage = fixture.stream ? readOpenAISse(fixture.body.toString('utf8')).usage : JSON.parse(fixture.body.toString('utf8')).usage;
    if (!usage) return;
    expect(row.prompt_tokens).toBe(usage.prompt_tokens);
    expect(row.completion_tokens).toBe(usage.completion_tokens);
    if (typeof usage.cost === 'number') expect(row).toMatchObject({ cost_usd: usage.cost, cost_source: 'upstream' });
  }
});

function expectSame(got: WireAnswer, expected: WireAnswer) {
  expect(got.text).toBe(expected.text);
  expect(got.refusal).toBe(expected.refusal);
  expect(got.toolCalls).toEqual(expected.toolCalls);
  expect(got.finish).toBe(expected.finish);
  if (expected.usage) {
    expect(got.usage?.prompt_tokens).toBe(expected.usage.prompt_tokens);
    expect(got.usage?.completion_tokens).toBe(expected.usage.completion_tokens);
  }
}
