// Replays every recorded Ollama response, byte for byte, from a local server at Ollama's real
// paths (/api/chat, /api/tags), through the gateway, and checks what the OpenAI SDK client
// receives. Expected answers are read from the fixture bytes here, not from the adapter's code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Database from 'better-sqlite3';
import { OllamaProvider } from '../../service/providers/ollama-provider.ts';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai-upstream.ts';
import { startReplayServer, type ReplayServer } from '../support/fixture-replay-server.ts';
import { fixturesPresent, responseFixtures, skipNote, type ResponseFixture } from '../support/shared-fixtures.ts';
import { startGateway, type RunningGateway } from '../support/start-gateway.ts';

skipNote('ollama conformance');

type Expectation = 'answer' | 'moves-on' | 'tags';

/** Every file of the folder, with what it must do and the headers the README table gives it. */
const TABLE: Record<string, { expect: Expectation; headers?: Record<string, string> }> = {
  'chat.json': { expect: 'answer' },
  'chat-tool-calls.json': { expect: 'answer' },
  'chat-stream.ndjson': { expect: 'answer' },
  'chat-stream-tool-calls.ndjson': { expect: 'answer' },
  'tags.json': { expect: 'tags' },
  // A model without tool support: Ollama says 400, but another target can serve (mapped to 501).
  'error-400-tools-unsupported.json': { expect: 'moves-on', headers: { 'content-type': 'application/json; charset=utf-8' } },
  // The failure policy reads the wording as a context-length error: a larger window may serve.
  'error-400-context-length.json': { expect: 'moves-on' },
  // The {"error"} line comes before any chat content, so the chain can still move on.
  'stream-error-midstream.ndjson': { expect: 'moves-on' },
};

const weather: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Get the weather in a given city', parameters: { type: 'object', properties: { city: { type: 'string', description: 'The city to get the weather for' } }, required: ['city'] } },
};

describe.skipIf(!fixturesPresent)('Ollama fixtures through the gateway', () => {
  const fixtures = responseFixtures('ollama').map((f) => ({ ...f, headers: { ...f.headers, ...TABLE[f.file]?.headers } }));
  let server: ReplayServer;
  let backup: FakeUpstream;
  let gw: RunningGateway;
  let client: OpenAI;
  const received: Array<{ path: string; body: any }> = [];

  beforeAll(async () => {
    backup = await startFakeOpenAI();
    server = await startReplayServer(
      fixtures,
      (url) => url === '/api/chat' || url === '/api/tags',
      (url, body) => {
        received.push({ path: url, body });
        return url === '/api/tags' ? 'tags' : body.model;
      },
    );
    gw = await startGateway({ routerConfig: { providers: { olfx: { type: 'ollama', baseURL: server.url }, backup: { type: 'openai', baseURL: backup.baseURL } } } });
    client = gw.client();
  });

  afterAll(async () => {
    await gw?.close();
    await backup?.close();
    await server?.close();
  });

  it('knows what to expect of every file in the folder', () => {
    expect(fixtures.length).toBeGreaterThan(0);
    for (const f of fixtures) expect(TABLE[f.file], `no expectation for ${f.file}`).toBeDefined();
  });

  for (const fixture of fixtures) {
    it(`ollama/${fixture.file}`, async () => {
      const kind = TABLE[fixture.file]?.expect;
      if (kind === 'tags') return checkTags(fixture);
      await setChain([`olfx/${fixture.name}`, 'backup/text']);
      const body = requestFor(fixture);
      const before = received.length;
      if (kind === 'moves-on') await checkMovesOn(fixture, body);
      else if (fixture.stream) await checkStream(fixture, body);
      else await checkJson(fixture, body);
      if (fixture.request) expectRecordedRequest(received[before].body, fixture.request);
    });
  }

  async function setChain(models: string[]) {
    const res = await fetch(`${gw.url}/config/model-mapping`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ category: 'conversation', models }) });
    expect(res.status).toBe(200);
  }

  /** The OpenAI request that should produce the recorded Ollama request (or a plain one). */
  function requestFor(fixture: ResponseFixture): Record<string, any> {
    const recorded = fixture.request;
    const body: Record<string, any> = { model: 'router/conversation', stream: fixture.stream, messages: recorded?.messages ?? [{ role: 'user', content: 'what is the weather in tokyo?' }] };
    if (fixture.stream) body.stream_options = { include_usage: true };
    const tools = recorded?.tools ?? (fixture.name.includes('tool') ? [weather] : undefined);
    if (tools) body.tools = tools;
    if (recorded?.options?.num_predict !== undefined) body.max_tokens = recorded.options.num_predict;
    if (recorded?.options?.temperature !== undefined) body.temperature = recorded.options.temperature;
    return body;
  }

  async function checkJson(fixture: ResponseFixture, body: Record<string, any>) {
    const expected = readOllama(fixture);
    const { data, response } = await client.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming).withResponse();
    expect(response.headers.get('x-router-model')).toBe(`olfx/${fixture.name}`);
    const message = data.choices[0].message;
    expect(message.content ?? '').toBe(expected.text);
    const toolCalls = (message.tool_calls ?? []) as OpenAI.ChatCompletionMessageFunctionToolCall[];
    expect(toolCalls.map((c) => ({ name: c.function.name, args: JSON.parse(c.function.arguments) }))).toEqual(expected.toolCalls);
    for (const call of toolCalls) expect(call.id).toMatch(/^call_\d+_[0-9a-f]{12}$/);
    expect(data.choices[0].finish_reason).toBe(expected.finish);
    expect(data.usage).toMatchObject(expected.usage);
  }

  async function checkStream(fixture: ResponseFixture, body: Record<string, any>) {
    const expected = readOllama(fixture);
    const { data: stream, response } = await client.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsStreaming).withResponse();
    expect(response.headers.get('x-router-model')).toBe(`olfx/${fixture.name}`);
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    const calls: Array<{ id: string; name: string; args: string }> = [];
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      text += choice?.delta?.content ?? '';
      for (const d of choice?.delta?.tool_calls ?? []) {
        const slot = (calls[d.index] ??= { id: '', name: '', args: '' });
        slot.id ||= d.id ?? '';
        slot.name ||= d.function?.name ?? '';
        slot.args += d.function?.arguments ?? '';
      }
      finish = choice?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(expected.text);
    expect(calls.map((c) => ({ name: c.name, args: JSON.parse(c.args) }))).toEqual(expected.toolCalls);
    for (const call of calls) expect(call.id).toMatch(/^call_\d+_[0-9a-f]{12}$/);
    expect(finish).toBe(expected.finish);
    expect(usage).toMatchObject(expected.usage);
  }

  async function checkMovesOn(fixture: ResponseFixture, body: Record<string, any>) {
    const upstreamError = readError(fixture);
    // In a chain: the next target serves, and the attempt record keeps Ollama's words.
    const res = await post(body);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-router-model')).toBe('backup/text');
    expect(res.headers.get('x-router-attempts')).toBe('2');
    await res.text();
    const first = attemptsOf(res.headers.get('x-request-id')!)[0];
    expect(first).toMatchObject({ target: `olfx/${fixture.name}`, outcome: 'error' });
    expect(first.error).toContain(upstreamError);
    if (fixture.name === 'error-400-tools-unsupported') expect(first.status).toBe(501);
    if (fixture.name === 'error-400-context-length') expect(first.status).toBe(400);

    // Alone: nothing else can serve, so the client gets the OpenAI error shape naming the cause
    // (a stream that failed before any content is answered the same way, as JSON).
    const alone = await post({ ...body, model: `olfx/${fixture.name}` });
    expect(alone.status).toBe(502);
    const answer = await alone.json();
    expect(answer.error).toMatchObject({ type: 'upstream_error', code: 'all_targets_failed', param: null });
    expect(answer.error.message).toContain(upstreamError);

    if (fixture.stream) {
      // Seen from the adapter: the {"error"} line is a ProviderError of kind 'stream'.
      const chunks = await adapter().stream({ model: fixture.name, request: body as never, signal: new AbortController().signal });
      const reading = (async () => {
        for await (const _ of chunks);
      })();
      await expect(reading).rejects.toMatchObject({ name: 'ProviderError', kind: 'stream', message: upstreamError });
    }
  }

  function adapter() {
    return new OllamaProvider({ name: 'olfx', type: 'ollama', baseURL: server.url, apiKey: undefined, configured: true, envHint: [], headers: {}, options: {} });
  }

  async function checkTags(fixture: ResponseFixture) {
    // The gateway has no model-list route for a provider; the adapter reads /api/tags itself.
    const names = await adapter().listModels(new AbortController().signal);
    expect(names).toEqual(JSON.parse(fixture.body.toString('utf8')).models.map((m: { name: string }) => m.name));
    expect(received.at(-1)?.path).toBe('/api/tags');
  }

  function post(body: Record<string, any>) {
    return fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  function attemptsOf(requestId: string): Array<Record<string, any>> {
    gw.gateway.log.flush();
    const db = new Database(gw.config.dbPath, { readonly: true });
    const row = db.prepare('SELECT attempts FROM requests WHERE id = ?').get(requestId) as { attempts: string };
    db.close();
    return JSON.parse(row.attempts);
  }
});

/** What a recorded Ollama answer says, from its bytes: text, tool calls, finish, counters. */
function readOllama(fixture: ResponseFixture) {
  const lines = fixture.body.toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const last = lines.at(-1);
  const text = lines.map((l) => l.message?.content ?? '').join('');
  const toolCalls = lines.flatMap((l) => l.message?.tool_calls ?? []).map((c: any) => ({ name: c.function.name, args: c.function.arguments }));
  const finish = last.done_reason === 'length' ? 'length' : toolCalls.length ? 'tool_calls' : 'stop';
  return { text, toolCalls, finish, usage: { prompt_tokens: last.prompt_eval_count, completion_tokens: last.eval_count, total_tokens: last.prompt_eval_count + last.eval_count } };
}

/** The `{"error"}` text of an error body or of a stream's error line. */
function readError(fixture: ResponseFixture): string {
  const lines = fixture.body.toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return lines.find((l) => typeof l.error === 'string').error;
}

/** What the adapter sent matches the recorded request on what the recording pins down. */
function expectRecordedRequest(sent: Record<string, any>, recorded: Record<string, any>) {
  expect(sent.messages).toEqual(recorded.messages);
  if (recorded.tools) expect(sent.tools).toEqual(recorded.tools);
  if (recorded.options && Object.keys(recorded.options).length) expect(sent.options).toEqual(recorded.options);
  expect(sent.stream ?? false).toBe(recorded.stream ?? false);
}
