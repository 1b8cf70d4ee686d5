// Replays every recorded Gemini response, byte for byte, from a local server at the real paths
// (`/v1beta/models/{model}:generateContent`, `:streamGenerateContent?alt=sse`) with the status
// and content type the README records, through the gateway's Google adapter, and checks what the
// OpenAI SDK client receives. Where the recording kept its request, the client sends the OpenAI
// equivalent and the body the adapter sent is compared with the recorded one.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai-upstream.ts';
import { startFakeGoogle, type FakeGoogle, type ReplayResponse } from '../support/fake-google-upstream.ts';
import { FIXTURES_DIR, fixturesPresent, responseFixtures, skipNote, type ResponseFixture } from '../support/shared-fixtures.ts';
import { startGateway, type RunningGateway } from '../support/start-gateway.ts';

skipNote('gemini conformance');

const PROVIDER = 'fxgemini';

interface Expected {
  text?: string;
  reasoning?: RegExp;
  calls?: Array<{ name: string; args: Record<string, unknown>; id?: string; signature?: RegExp }>;
  finish: string;
  usage?: { prompt: number; completion: number; total: number; reasoning?: number } | null;
  model?: string;
}

// What each recording must read as, worked out by hand from the recorded bodies.
const EXPECTED: Record<string, Expected> = {
  'generate-text': { text: "Google's headquarters, also known as the Googleplex, is located in **Mountain View, California**.\n", finish: 'stop', usage: { prompt: 7, completion: 22, total: 29 }, model: 'gemini-2.0-flash' },
  'generate-function-call': { calls: [{ name: 'get_capital', args: { country: 'France' } }], finish: 'tool_calls', usage: { prompt: 23, completion: 5, total: 28 } },
  'generate-parallel-function-calls': {
    calls: [
      { name: 'sum', args: { y: 1, x: 2 } },
      { name: 'sum', args: { y: 3, x: 4 } },
      { name: 'sum', args: { y: 5, x: 6 } },
    ],
    finish: 'tool_calls',
    usage: null,
  },
  'generate-thinking-function-call': {
    reasoning: /^\*\*Thinking Through the New Year's Eve Calculation\*\*/,
    calls: [{ name: 'now', args: {}, signature: /^CtQOAVSoXO74/ }],
    finish: 'tool_calls',
    usage: { prompt: 38, completion: 509, total: 547, reasoning: 501 },
  },
  'stream-text': { text: 'The capital of France is Paris.\n', finish: 'stop', usage: { prompt: 13, completion: 8, total: 21 } },
  'stream-function-call-thought-signature': {
    calls: [{ name: 'capitalize_message', args: { phrase: 'hello' }, id: 'crw26s0a', signature: /^ErQGCrEG/ }],
    finish: 'tool_calls',
    usage: { prompt: 148, completion: 193, total: 341, reasoning: 177 },
  },
  'stream-thinking-signature': { text: 'six', finish: 'stop', usage: { prompt: 18, completion: 140, total: 158, reasoning: 139 } },
  'stream-thought-summary-function-call': {
    reasoning: /^\*\*Calculating the Days\*\*[\s\S]*\*\*Determining the Approach\*\*/,
    calls: [{ name: 'now', args: {}, signature: /^CiIBVKhc/ }],
    finish: 'tool_calls',
    usage: { prompt: 38, completion: 174, total: 212, reasoning: 168 },
  },
};

describe.skipIf(!fixturesPresent)('Gemini fixtures through the gateway', () => {
  const fixtures = responseFixtures('gemini').map(withReadmeStatus);
  const byName = new Map(fixtures.map((f) => [f.name, f]));
  let google: FakeGoogle;
  let backup: FakeUpstream;
  let gw: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    google = await startFakeGoogle({ replay });
    backup = await startFakeOpenAI();
    gw = await startGateway({
      routerConfig: { providers: { [PROVIDER]: { type: 'google', baseURL: google.url, apiKeyEnv: 'FX_GEMINI_KEY' }, backup: { type: 'openai', baseURL: backup.baseURL } } },
      env: { FX_GEMINI_KEY: 'gemini-fixture-key' },
    });
    client = gw.client();
  });

  afterAll(async () => {
    await gw?.close();
    await backup?.close();
    await google?.close();
  });

  /** `<fixture>~<tag>` replays the fixture under a target id of its own (breakers, cooling). */
  function replay(model: string, stream: boolean): ReplayResponse {
    const fixture = byName.get(model.split('~')[0]);
    if (!fixture || (fixture.status === 200 && fixture.stream !== stream)) {
      return { status: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: { code: 404, message: `no fixture ${model} for stream=${stream}`, status: 'NOT_FOUND' } }) };
    }
    return { status: fixture.status, headers: fixture.headers, body: fixture.body };
  }

  async function setChain(models: string[]) {
    const res = await fetch(`${gw.url}/config/model-mapping`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ category: 'conversation', models }) });
    expect(res.status).toBe(200);
  }

  it('finds every recorded response', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(13);
    for (const name of Object.keys(EXPECTED)) expect(byName.has(name), name).toBe(true);
  });

  for (const fixture of fixtures.filter((f) => f.status === 200)) {
    it(`gemini/${fixture.file}`, async () => {
      await setChain([`${PROVIDER}/${fixture.name}`, 'backup/text']);
      const request = fixture.request ? openAIRequestFrom(fixture.request) : { messages: [{ role: 'user', content: 'Say hello' }] };
      const body = { ...request, model: 'router/conversation', stream: fixture.stream, ...(fixture.stream ? { stream_options: { include_usage: true } } : {}) };
      const { data, response } = await client.chat.completions.create(body as never).withResponse();
      expect(response.headers.get('x-router-model')).toBe(`${PROVIDER}/${fixture.name}`);
      const got = fixture.stream ? await collect(data as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>) : fromCompletion(data as OpenAI.ChatCompletion);
      const expected = EXPECTED[fixture.name] ?? { finish: got.finish ?? 'missing' };
      expect(got.finish).toBe(expected.finish);
      if (expected.text !== undefined) expect(got.text).toBe(expected.text);
      if (expected.reasoning) expect(got.reasoning).toMatch(expected.reasoning);
      expect(got.calls.length).toBe(expected.calls?.length ?? 0);
      for (const [i, call] of (expected.calls ?? []).entries()) {
        expect(got.calls[i].name).toBe(call.name);
        expect(JSON.parse(got.calls[i].args)).toEqual(call.args);
        expect(got.calls[i].id).toMatch(call.id ? new RegExp(`^${call.id}$`) : /^call_[0-9a-f]{24}$/);
        if (call.signature) expect(got.calls[i].signature).toMatch(call.signature);
      }
      expect(new Set(got.calls.map((c) => c.id)).size).toBe(got.calls.length);
      if (expected.usage === null) expect(got.usage).toBeUndefined();
      if (expected.usage) {
        expect(got.usage).toMatchObject({ prompt_tokens: expected.usage.prompt, completion_tokens: expected.usage.completion, total_tokens: expected.usage.total });
        expect(got.usage?.completion_tokens_details?.reasoning_tokens ?? 0).toBe(expected.usage.reasoning ?? 0);
      }
      if (expected.model && !fixture.stream) expect((data as OpenAI.ChatCompletion).model).toBe(expected.model);
      if (!EXPECTED[fixture.name]) expect(got.text.length + got.calls.length).toBeGreaterThan(0);
      if (fixture.request) checkSentRequest(fixture, google.requests.filter((r) => r.model === fixture.name).at(-1)!.body);
    });
  }

  for (const fixture of fixtures.filter((f) => f.status !== 200)) {
    for (const stream of [false, true]) {
      it(`gemini/${fixture.file} (${stream ? 'streamGenerateContent' : 'generateContent'})`, async () => {
        const target = `${PROVIDER}/${fixture.name}~${stream ? 's' : 'u'}`;
        await setChain([target, 'backup/text']);
        const body = { model: 'router/conversation', messages: [{ role: 'user' as const, content: 'hi' }], stream };
        const backupCalls = backup.requests.length;
        const result = await client.chat.completions.create(body).withResponse().catch((e) => e);
        const isRequestError = fixture.name === 'error-400-invalid-argument';
        if (isRequestError) {
          // Gemini rejected the request itself: returned at once, in OpenAI's error shape.
          expect(result).toBeInstanceOf(OpenAI.BadRequestError);
          expect(result.status).toBe(400);
          expect(result.error).toMatchObject({ type: 'invalid_request_error', code: 'INVALID_ARGUMENT', message: expect.stringContaining('Request contains an invalid argument.') });
          expect(backup.requests.length).toBe(backupCalls);
          return;
        }
        // Everything else is about this target (a bad key, an unknown model, a quota): the chain moves on.
        expect(result.response.headers.get('x-router-model')).toBe('backup/text');
        expect(result.response.headers.get('x-router-attempts')).toBe('2');
        expect(backup.requests.length).toBe(backupCalls + 1);

        const direct = await client.chat.completions.create({ ...body, model: target }).catch((e) => e);
        expect(direct).toBeInstanceOf(OpenAI.APIError);
        const status = Number(/^error-(\d{3})-/.exec(fixture.name)![1]);
        const upstream = JSON.parse(fixture.body.toString('utf8')).error;
        if (fixture.name.startsWith('error-429-retry-info')) {
          // RetryInfo 34.4s: the target is skipped, not called, until then.
          expect(direct.status).toBe(503);
          const cooling = direct.error.attempts[0];
          expect(cooling.outcome).toBe('cooling_down');
          const until = Date.parse(/retry after (\S+)/.exec(cooling.error)![1]);
          expect(until - Date.now()).toBeGreaterThan(30_000);
          expect(until - Date.now()).toBeLessThanOrEqual(34_400);
          expect(google.calls(`${fixture.name}~${stream ? 's' : 'u'}`)).toBe(1);
          return;
        }
        expect(direct.status).toBe(502);
        const attempt = direct.error.attempts[0];
        expect(attempt.error).toContain(upstream.message);
        // A bad key comes back from Gemini as 400 but is the credentials' fault, recorded as 401.
        expect(attempt.status).toBe(fixture.name === 'error-400-api-key-invalid' ? 401 : status);
      });
    }
  }

  function checkSentRequest(fixture: ResponseFixture, sent: Record<string, any>) {
    const recorded = fixture.request!;
    expect(normalize(sent.contents)).toEqual(normalize(recorded.contents));
    if (recorded.systemInstruction) expect(sent.systemInstruction.parts).toEqual(recorded.systemInstruction.parts);
    const recordedTools = [recorded.tools].flat().filter(Boolean);
    const declarations = (t: any) => t.functionDeclarations ?? t.function_declarations;
    if (recordedTools.length) expect(normalize(declarations(sent.tools[0]))).toEqual(normalize(recordedTools.flatMap(declarations)));
    if (recorded.toolConfig) expect(sent.toolConfig.functionCallingConfig.mode).toBe(recorded.toolConfig.functionCallingConfig.mode);
    for (const key of ['temperature', 'candidateCount'] as const) {
      if (recorded.generationConfig?.[key] !== undefined) expect(sent.generationConfig[key]).toBe(recorded.generationConfig[key]);
    }
  }
});

/** The OpenAI request a client would have sent for a recorded Gemini request. */
function openAIRequestFrom(gemini: Record<string, any>): Record<string, unknown> {
  const messages: Array<Record<string, unknown>> = [];
  if (gemini.systemInstruction) messages.push({ role: 'system', content: gemini.systemInstruction.parts.map((p: any) => p.text).join('\n') });
  for (const content of gemini.contents) messages.push({ role: content.role === 'model' ? 'assistant' : 'user', content: content.parts.map((p: any) => p.text).join('') });
  const declarations = [gemini.tools].flat().filter(Boolean).flatMap((t: any) => t.functionDeclarations ?? t.function_declarations ?? []);
  const out: Record<string, unknown> = { messages };
  if (declarations.length) out.tools = declarations.map((d: any) => ({ type: 'function', function: { name: d.name, ...(d.description ? { description: d.description } : {}), parameters: lowerTypes(d.parameters) } }));
  if (gemini.toolConfig?.functionCallingConfig?.mode === 'ANY') out.tool_choice = 'required';
  if (gemini.generationConfig?.temperature !== undefined) out.temperature = gemini.generationConfig.temperature;
  if (gemini.generationConfig?.candidateCount !== undefined) out.n = gemini.generationConfig.candidateCount;
  return out;
}

/** Gemini takes type names in either case; compare them in one. */
function lowerTypes(value: any): any {
  if (Array.isArray(value)) return value.map(lowerTypes);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'type' && typeof v === 'string' ? v.toLowerCase() : lowerTypes(v)]));
}

function normalize(value: unknown): unknown {
  return JSON.parse(JSON.stringify(lowerTypes(value)));
}

interface Got {
  text: string;
  reasoning: string;
  finish: string | null;
  usage: OpenAI.CompletionUsage | undefined;
  calls: Array<{ id: string; name: string; args: string; signature?: string }>;
}

function fromCompletion(data: OpenAI.ChatCompletion): Got {
  const message = data.choices[0].message as OpenAI.ChatCompletionMessage & { reasoning_content?: string };
  return {
    text: message.content ?? '',
    reasoning: message.reasoning_content ?? '',
    finish: data.choices[0].finish_reason,
    usage: data.usage,
    calls: (message.tool_calls ?? []).map((c: any) => ({ id: c.id, name: c.function.name, args: c.function.arguments, signature: c.extra_content?.google?.thought_signature })),
  };
}

async function collect(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<Got> {
  const out: Got = { text: '', reasoning: '', finish: null, usage: undefined, calls: [] };
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta as (OpenAI.ChatCompletionChunk.Choice.Delta & { reasoning_content?: string }) | undefined;
    out.text += delta?.content ?? '';
    out.reasoning += delta?.reasoning_content ?? '';
    for (const d of delta?.tool_calls ?? []) {
      const call = (out.calls[d.index] ??= { id: '', name: '', args: '' });
      call.id ||= d.id ?? '';
      call.name ||= d.function?.name ?? '';
      call.args += d.function?.arguments ?? '';
      call.signature ??= (d as any).extra_content?.google?.thought_signature;
    }
    out.finish = chunk.choices[0]?.finish_reason ?? out.finish;
    if (chunk.usage) out.usage = chunk.usage;
  }
  return out;
}

/** Status and content type as the README table records them ("400 (content-type header says text/event-stream …)"). */
function withReadmeStatus(fixture: ResponseFixture): ResponseFixture {
  const readme = path.join(FIXTURES_DIR, 'README.md');
  if (!existsSync(readme)) return fixture;
  const row = readFileSync(readme, 'utf8').split('\n').find((line) => line.startsWith(`| \`gemini/${fixture.file}\``));
  const cell = row?.split('|')[4]?.trim() ?? '';
  const status = /^(\d{3})/.exec(cell)?.[1];
  const type = /content-type header says ([\w.+-]+\/[\w.+-]+)/.exec(cell)?.[1] ?? /^\d{3}(?:\s+OK)?\s+([\w.+-]+\/[\w.+-]+(?:;\s*charset=[\w-]+)?)/.exec(cell)?.[1];
  return { ...fixture, status: status ? Number(status) : fixture.status, headers: type ? { ...fixture.headers, 'content-type': type } : fixture.headers };
}
