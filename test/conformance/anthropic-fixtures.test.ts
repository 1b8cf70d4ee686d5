// Replays every recorded Anthropic response, byte for byte, from a local server at the real path
// (POST /v1/messages), through the gateway's Anthropic adapter, and checks what the OpenAI SDK
// client receives. Where the recording kept its request, the client sends the OpenAI-shaped
// equivalent and the body the adapter sent upstream is compared with the recorded one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai-upstream.ts';
import { startReplayServer, type ReplayServer } from '../support/fixture-replay-server.ts';
import { FIXTURES_DIR, fixturesPresent, responseFixtures, skipNote, type ResponseFixture } from '../support/shared-fixtures.ts';
import { startGateway, type RunningGateway } from '../support/start-gateway.ts';
import { normalizeMessages, openAIRequestFrom, readAnthropicJson, readAnthropicSse, type Answer } from '../support/anthropic-wire.ts';

skipNote('anthropic conformance');

const FOLDER = 'anthropic';
const PROVIDER = 'fxanthropic';

describe.skipIf(!fixturesPresent)('Anthropic fixtures through the gateway', () => {
  const fixtures = responseFixtures(FOLDER).map(withReadmeStatus);
  let replay: ReplayServer;
  let backup: FakeUpstream;
  let gw: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    replay = await startReplayServer(fixtures, (url) => url === '/v1/messages', (_url, body) => body.model);
    backup = await startFakeOpenAI();
    gw = await startGateway({
      routerConfig: {
        providers: {
          [PROVIDER]: { type: 'anthropic', baseURL: replay.url, apiKeyEnv: 'FX_ANTHROPIC_KEY' },
          backup: { type: 'openai', baseURL: backup.baseURL },
        },
      },
      env: { FX_ANTHROPIC_KEY: 'sk-ant-fixture' },
    });
    client = gw.client();
  });

  afterAll(async () => {
    await gw?.close();
    await backup?.close();
    await replay?.close();
  });

  it('finds the recorded responses', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(12);
    for (const f of fixtures) expect(f.file).toMatch(/\.(json|sse)$/);
  });

  for (const fixture of fixtures) {
    it(`${FOLDER}/${fixture.file}`, async () => {
      await setChain([`${PROVIDER}/${fixture.name}`, 'backup/text']);
      const body = requestFor(fixture);
      if (fixture.status !== 200) await checkError(fixture, body);
      else if (fixture.stream) await checkStream(fixture, body);
      else await checkJson(fixture, body);
      if (fixture.request) checkSentRequest(fixture);
    });
  }

  async function setChain(models: string[]) {
    const res = await fetch(`${gw.url}/config/model-mapping`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ category: 'conversation', models }) });
    expect(res.status).toBe(200);
  }

  function requestFor(fixture: ResponseFixture): Record<string, unknown> {
    const base = fixture.request ? openAIRequestFrom(fixture.request) : { messages: [{ role: 'user', content: 'Say hello' }] };
    return { ...base, model: 'router/conversation', stream: fixture.stream, ...(fixture.stream ? { stream_options: { include_usage: true } } : {}) };
  }

  async function checkJson(fixture: ResponseFixture, body: Record<string, unknown>) {
    const expected = readAnthropicJson(JSON.parse(fixture.body.toString('utf8')));
    const { data, response } = await client.chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming).withResponse();
    expect(response.headers.get('x-router-model')).toBe(`${PROVIDER}/${fixture.name}`);
    const message = data.choices[0].message as OpenAI.ChatCompletionMessage & { reasoning_content?: string };
    expectSame(
      {
        text: message.content ?? '',
        reasoning: message.reasoning_content ?? '',
        toolCalls: (message.tool_calls ?? []).map((c) => ({ id: c.id, name: (c as OpenAI.ChatCompletionMessageFunctionToolCall).function.name, input: JSON.parse((c as OpenAI.ChatCompletionMessageFunctionToolCall).function.arguments) })),
        finish: data.choices[0].finish_reason,
        usage: data.usage,
      },
      expected,
    );
  }

  async function checkStream(fixture: ResponseFixture, body: Record<string, unknown>) {
    const expected = readAnthropicSse(fixture.body.toString('utf8'));
    const { data: stream, response } = await client.chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsStreaming).withResponse();
    const got = await collect(stream);
    if (expected.error && !expected.contentBeforeError) {
      // Failed before any content: the client never sees it, the chain moved on.
      expect(got.thrown).toBeUndefined();
      expect(response.headers.get('x-router-model')).toBe('backup/text');
      expect(response.headers.get('x-router-attempts')).toBe('2');
      expect(got.text).toBe('Hello from text');
      await expectFirstAttempt(response.headers.get('x-request-id')!, fixture, undefined, expected.error.message);
      return;
    }
    expect(response.headers.get('x-router-model')).toBe(`${PROVIDER}/${fixture.name}`);
    if (expected.error) {
      // Failed after content: what was sent stays, then the stream ends with the error.
      expect(got.thrown).toBeInstanceOf(OpenAI.APIError);
      expect(String((got.thrown as Error).message)).toContain(expected.error.message);
      expect(got.text).toBe(expected.text);
      return;
    }
    expect(got.thrown).toBeUndefined();
    expectSame(got, expected);
  }

  async function checkError(fixture: ResponseFixture, body: Record<string, unknown>) {
    const upstream = JSON.parse(fixture.body.toString('utf8')).error as { type: string; message: string };
    const before = backup.requests.length;
    const res = await fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = await res.json();
    if (fixture.status === 400 || fixture.status === 422) {
      // About the request itself: returned at once in OpenAI's error shape; the chain does not move on.
      expect(res.status).toBe(fixture.status);
      expect(answer.error).toMatchObject({ type: upstream.type, param: null });
      expect(answer.error.message).toContain(upstream.message);
      expect(res.headers.get('x-router-attempts')).toBe('1');
      expect(backup.requests.length).toBe(before);
      return;
    }
    // Rate limits and overload are the target's problem: the next target serves.
    expect(res.status).toBe(200);
    expect(answer.choices[0].message.content).toBe('Hello from text');
    expect(res.headers.get('x-router-model')).toBe('backup/text');
    expect(res.headers.get('x-router-attempts')).toBe('2');
    await expectFirstAttempt(res.headers.get('x-request-id')!, fixture, fixture.status, upstream.message);
  }

  async function expectFirstAttempt(requestId: string, fixture: ResponseFixture, status: number | undefined, message: string) {
    gw.gateway.log.flush();
    const db = new Database(gw.config.dbPath, { readonly: true });
    const row = db.prepare('SELECT attempts FROM requests WHERE id = ?').get(requestId) as { attempts: string };
    db.close();
    const first = JSON.parse(row.attempts)[0];
    expect(first).toMatchObject({ target: `${PROVIDER}/${fixture.name}`, outcome: 'error' });
    if (status !== undefined) expect(first.status).toBe(status);
    expect(first.error).toContain(message.slice(0, 40));
  }

  function checkSentRequest(fixture: ResponseFixture) {
    const recorded = fixture.request!;
    const sent = replay.requests.filter((r) => r.name === fixture.name).at(-1)!.body;
    expect(sent.model).toBe(fixture.name);
    expect(sent.max_tokens).toBe(recorded.max_tokens);
    expect(normalizeMessages(sent.messages)).toEqual(normalizeMessages(recorded.messages));
    expect(sent.tools).toEqual(recorded.tools);
    expect(sent.thinking).toEqual(recorded.thinking);
    expect(Boolean(sent.stream)).toBe(fixture.stream);
  }
});

function expectSame(got: Answer, expected: Answer) {
  expect(got.text).toBe(expected.text);
  expect(got.reasoning).toBe(expected.reasoning);
  expect(got.toolCalls).toEqual(expected.toolCalls);
  expect(got.finish).toBe(expected.finish);
  expect(got.usage?.prompt_tokens).toBe(expected.usage!.prompt_tokens);
  expect(got.usage?.completion_tokens).toBe(expected.usage!.completion_tokens);
  expect(got.usage?.prompt_tokens_details?.cached_tokens).toBe(expected.usage!.prompt_tokens_details?.cached_tokens);
}

async function collect(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<Answer & { thrown?: unknown }> {
  const out: Answer & { thrown?: unknown } = { text: '', reasoning: '', toolCalls: [], finish: null };
  const calls: Record<number, { id: string; name: string; args: string }> = {};
  try {
    for await (const chunk of stream) {
      if (chunk.usage) out.usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      out.text += choice.delta?.content ?? '';
      out.reasoning += (choice.delta as { reasoning_content?: string }).reasoning_content ?? '';
      out.finish = choice.finish_reason ?? out.finish;
      for (const d of choice.delta?.tool_calls ?? []) {
        const call = (calls[d.index] ??= { id: '', name: '', args: '' });
        call.id ||= d.id ?? '';
        call.name ||= d.function?.name ?? '';
        call.args += d.function?.arguments ?? '';
      }
    }
  } catch (error) {
    out.thrown = error;
  }
  // Arguments must parse as JSON once the stream is complete.
  out.toolCalls = Object.keys(calls).map(Number).sort((a, b) => a - b).map((i) => ({ id: calls[i].id, name: calls[i].name, input: JSON.parse(calls[i].args) }));
  return out;
}

/** Status and content-type as the README's table gives them ("429 application/json", "529 (content-type not recorded)"). */
function withReadmeStatus(fixture: ResponseFixture): ResponseFixture {
  const readme = path.join(FIXTURES_DIR, 'README.md');
  if (!existsSync(readme)) return fixture;
  const row = readFileSync(readme, 'utf8').split('\n').find((line) => line.startsWith(`| \`${FOLDER}/${fixture.file}\``));
  const cell = row?.split('|')[4]?.trim();
  const match = cell ? /^(\d{3})(?:\s+OK)?(?:\s+([\w.+-]+\/[\w.+-]+(?:;\s*charset=[\w-]+)?))?/.exec(cell) : null;
  if (!match) return fixture;
  const headers = { ...fixture.headers };
  if (match[2]) headers['content-type'] = match[2];
  // "(x-should-retry: false)"-style notes in the cell are response headers too.
  for (const [, name, value] of cell!.matchAll(/\(([a-z-]+):\s*([^)]+)\)/gi)) headers[name.toLowerCase()] = value.trim();
  return { ...fixture, status: Number(match[1]), headers };
}
