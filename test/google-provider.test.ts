// End to end: the official OpenAI SDK → the gateway's real HTTP server → the Google adapter
// (@google/generative-ai) → a fake Gemini API on 127.0.0.1, with a fake OpenAI upstream as
// the next target in the chain.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { GoogleGenerativeAIError } from '@google/generative-ai';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { BAD_KEY, startFakeGoogle, type FakeGoogle } from './support/fake-google-upstream.ts';
import { startGateway, type RunningGateway } from './support/start-gateway.ts';
import { GoogleProvider, mapGoogleSdkError, splitBaseURL } from '../service/providers/google-provider.ts';
import { ProviderError } from '../service/providers/provider-error.ts';
import { SKIP_SIGNATURE } from '../service/providers/google/convert-to-gemini-contents.ts';

const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Get the weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } },
};

let google: FakeGoogle;
let backup: FakeUpstream;
let gw: RunningGateway;
let client: OpenAI;

beforeAll(async () => {
  google = await startFakeGoogle();
  backup = await startFakeOpenAI();
  gw = await startGateway({
    routerConfig: {
      providers: {
        gemini: { type: 'google', baseURL: google.url, apiKeyEnv: 'GEMINI_TEST_KEY' },
        badkey: { type: 'google', baseURL: `${google.url}/v1beta`, apiKeyEnv: 'GEMINI_BAD_KEY' },
        backup: { type: 'openai', baseURL: backup.baseURL, apiKeyEnv: 'BACKUP_KEY' },
      },
    },
    env: { GEMINI_TEST_KEY: 'gemini-test-key', GEMINI_BAD_KEY: BAD_KEY, BACKUP_KEY: 'backup-key', ROUTER_LOG_FLUSH_MS: '50' },
    chains: { conversation: ['gemini/text', 'backup/text'], tools: ['gemini/tool', 'backup/tool'] },
  });
  client = gw.client();
});

afterAll(async () => {
  await gw?.close();
  await google?.close();
  await backup?.close();
});

/** Points a category's chain at new targets through the admin route. */
async function chain(category: string, models: string[]): Promise<void> {
  const res = await fetch(`${gw.url}/config/model-mapping`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ category, models }) });
  expect(res.status).toBe(200);
}

interface Collected {
  text: string;
  reasoning: string;
  finish: string | null;
  usage: OpenAI.CompletionUsage | undefined;
  calls: Array<{ id: string; name: string; args: string; extra?: any }>;
}

async function collect(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<Collected> {
  const out: Collected = { text: '', reasoning: '', finish: null, usage: undefined, calls: [] };
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    out.text += choice?.delta?.content ?? '';
    out.reasoning += (choice?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? '';
    for (const delta of choice?.delta?.tool_calls ?? []) {
      const call = (out.calls[delta.index] ??= { id: '', name: '', args: '' });
      call.id ||= delta.id ?? '';
      call.name ||= delta.function?.name ?? '';
      call.args += delta.function?.arguments ?? '';
      call.extra ??= (delta as { extra_content?: unknown }).extra_content;
    }
    out.finish = choice?.finish_reason ?? out.finish;
    if (chunk.usage) out.usage = chunk.usage;
  }
  return out;
}

describe('Gemini through the gateway', () => {
  it('answers a plain request and sends Gemini the translated body with the key', async () => {
    const before = google.requests.length;
    const { data, response } = await client.chat.completions
      .create({ model: 'gemini/text:Bonjour tout le monde', messages: [{ role: 'system', content: 'Answer in French.' }, { role: 'user', content: 'hello' }], max_tokens: 64, temperature: 0.3, stop: ['END'] })
      .withResponse();
    expect(data.choices[0].message.content).toBe('Bonjour tout le monde');
    expect(data.choices[0].finish_reason).toBe('stop');
    expect(data.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 });
    expect(response.headers.get('x-router-model')).toBe('gemini/text:Bonjour tout le monde');
    const sent = google.requests[before];
    expect(sent).toMatchObject({ model: 'text:Bonjour tout le monde', stream: false });
    expect(sent.headers['x-goog-api-key']).toBe('gemini-test-key');
    expect(sent.body.contents).toEqual([{ role: 'user', parts: [{ text: 'hello' }] }]);
    expect(sent.body.systemInstruction.parts).toEqual([{ text: 'Answer in French.' }]);
    expect(sent.body.generationConfig).toEqual({ maxOutputTokens: 64, temperature: 0.3, stopSequences: ['END'] });
  });

  it('streams text with the usage chunk last', async () => {
    const stream = await client.chat.completions.create({ model: 'router/conversation', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
    const out = await collect(stream);
    expect(out.text).toBe('Hello from text');
    expect(out.finish).toBe('stop');
    expect(out.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 });
    expect(google.requests.at(-1)).toMatchObject({ model: 'text', stream: true });
  });

  it('runs a streamed tool-call round trip, handing the thought signature back', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
    const first = await collect(await client.chat.completions.create({ model: 'router/tools', messages, tools: [weatherTool], tool_choice: 'auto', stream: true }));
    expect(first.finish).toBe('tool_calls');
    expect(first.calls).toHaveLength(1);
    expect(first.calls[0]).toMatchObject({ id: expect.stringMatching(/^call_/), name: 'get_weather', extra: { google: { thought_signature: 'c2lnLXBhcmlz' } } });
    expect(JSON.parse(first.calls[0].args)).toEqual({ city: 'Paris' });
    const declared = google.requests.at(-1)!.body;
    expect(declared.tools[0].functionDeclarations[0]).toEqual({ name: 'get_weather', description: 'Get the weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } });
    expect(declared.toolConfig).toEqual({ functionCallingConfig: { mode: 'AUTO' } });

    const call = first.calls[0];
    messages.push({ role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: { name: call.name, arguments: call.args }, extra_content: call.extra } as OpenAI.ChatCompletionMessageToolCall] });
    messages.push({ role: 'tool', tool_call_id: call.id, content: 'sunny, 21°C' });
    const final = await collect(await client.chat.completions.create({ model: 'router/tools', messages, tools: [weatherTool], stream: true }));
    expect(final.text).toBe('The weather is sunny, 21°C.');
    expect(final.finish).toBe('stop');
    expect(google.requests.at(-1)!.body.contents).toEqual([
      { role: 'user', parts: [{ text: 'What is the weather in Paris?' }] },
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'c2lnLXBhcmlz' }] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { content: 'sunny, 21°C' } } }] },
    ]);
  });

  it('streams parallel calls by index and answers both results in one turn; a lost signature gets the stand-in', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Paris and Rome?' }];
    const first = await collect(await client.chat.completions.create({ model: 'gemini/tool-parallel', messages, tools: [weatherTool], stream: true }));
    expect(first.calls.map((c) => [c.name, JSON.parse(c.args).city])).toEqual([
      ['get_weather', 'Paris'],
      ['get_weather', 'Rome'],
    ]);
    expect(new Set(first.calls.map((c) => c.id)).size).toBe(2);
    // A client that drops extra_content: Gemini 3 would reject the history without a signature.
    messages.push({ role: 'assistant', content: null, tool_calls: first.calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.args } })) });
    for (const [i, c] of first.calls.entries()) messages.push({ role: 'tool', tool_call_id: c.id, content: i === 0 ? 'sunny' : 'rainy' });
    const final = await client.chat.completions.create({ model: 'gemini/tool-parallel', messages, tools: [weatherTool] });
    expect(final.choices[0].message.content).toBe('The weather is sunny and rainy.');
    const contents = google.requests.at(-1)!.body.contents;
    expect(contents[1].parts.map((p: any) => p.thoughtSignature)).toEqual([SKIP_SIGNATURE, undefined]);
    expect(contents[2].parts).toHaveLength(2);
  });

  it('returns thought summaries as reasoning_content with reasoning tokens', async () => {
    const data = await client.chat.completions.create({ model: 'gemini/thinking', messages: [{ role: 'user', content: 'think' }] });
    expect(data.choices[0].message.content).toBe('Forty-two.');
    expect((data.choices[0].message as { reasoning_content?: string }).reasoning_content).toContain('Weighing it');
    expect(data.usage).toMatchObject({ completion_tokens: 45, total_tokens: 57, completion_tokens_details: { reasoning_tokens: 40 } });
    const streamed = await collect(await client.chat.completions.create({ model: 'gemini/thinking', messages: [{ role: 'user', content: 'think' }], stream: true, stream_options: { include_usage: true } }));
    expect(streamed.reasoning).toContain('Weighing it');
    expect(streamed.text).toBe('Forty-two.');
  });

  it('carries OpenClaw agent requests (real tool schemas, a tool loop) to Gemini in a form it accepts', async () => {
    const dir = path.resolve(import.meta.dirname, '..', '..', 'shared', 'fixtures', 'openclaw');
    const files = ['gateway-agent-turn.request.json', 'agent-tool-loop.request.json'].filter((f) => existsSync(path.join(dir, f)));
    if (files.length === 0) return console.warn('[google e2e] /work/shared/fixtures/openclaw absent: OpenClaw request check skipped');
    for (const file of files) {
      const body = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
      const out = await collect(await client.chat.completions.create({ ...body, model: 'gemini/text:done', stream: true } as OpenAI.ChatCompletionCreateParamsStreaming));
      expect(out.text, file).toBe('done');
      const sent = google.requests.at(-1)!.body;
      expect(sent.tools[0].functionDeclarations.map((d: any) => d.name)).toEqual(body.tools.map((t: any) => t.function.name));
      expect(sent.generationConfig.maxOutputTokens).toBe(8192);
    }
  });
});

describe('Gemini failures', () => {
  it('moves on to the next target after a 500 and after a 404', async () => {
    for (const status of [500, 404]) {
      await chain('code', [`gemini/error:${status}`, 'backup/text:fixed by backup']);
      const { data, response } = await client.chat.completions.create({ model: 'router/code', messages: [{ role: 'user', content: 'fix' }] }).withResponse();
      expect(data.choices[0].message.content).toBe('fixed by backup');
      expect(response.headers.get('x-router-attempts')).toBe('2');
    }
  });

  it('moves on after a 429 and then skips the target for its RetryInfo delay', async () => {
    await chain('code', ['gemini/error:429', 'backup/text:after 429']);
    const calls = google.calls('error:429');
    await client.chat.completions.create({ model: 'router/code', messages: [{ role: 'user', content: 'x' }] });
    const { data } = await client.chat.completions.create({ model: 'router/code', messages: [{ role: 'user', content: 'x' }] }).withResponse();
    expect(data.choices[0].message.content).toBe('after 429');
    expect(google.calls('error:429')).toBe(calls + 1);
  });

  it('treats 400 API_KEY_INVALID as the target’s credentials: the chain moves on', async () => {
    await chain('code', ['badkey/text', 'backup/text:served despite a bad key']);
    const { data } = await client.chat.completions.create({ model: 'router/code', messages: [{ role: 'user', content: 'x' }], stream: true }).withResponse();
    expect((await collect(data)).text).toBe('served despite a bad key');
    const alone = await client.chat.completions.create({ model: 'badkey/text', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(alone).toBeInstanceOf(OpenAI.APIError);
    expect(alone.status).toBe(502);
    expect(alone.error.attempts[0]).toMatchObject({ target: 'badkey/text', status: 401, error: expect.stringContaining('API key not valid') });
  });

  it('returns a plain 400 to the client at once, without trying the next target', async () => {
    await chain('reasoning', ['gemini/error:400', 'backup/text']);
    const before = backup.requests.length;
    const error = await client.chat.completions.create({ model: 'router/reasoning', messages: [{ role: 'user', content: 'x' }], stream: true }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.error).toMatchObject({ type: 'invalid_request_error', code: 'INVALID_ARGUMENT', message: expect.stringContaining('fake Gemini error 400') });
    expect(backup.requests.length).toBe(before);
  });

  it('ends the client’s stream with an error when Gemini breaks off mid-stream', async () => {
    for (const model of ['gemini/cut-mid-stream', 'gemini/stream-error', 'gemini/truncated']) {
      const stream = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }], stream: true });
      let text = '';
      const error = await (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      })().catch((e) => e);
      expect(text.length, model).toBeGreaterThan(0);
      expect(error, model).toBeInstanceOf(OpenAI.APIError);
      expect(String(error.message), model).toContain('failed mid-stream');
    }
  });

  it('moves on when a stream fails before any content', async () => {
    await chain('conversation', ['gemini/error:503', 'backup/text:streamed by backup']);
    const out = await collect(await client.chat.completions.create({ model: 'router/conversation', messages: [{ role: 'user', content: 'x' }], stream: true }));
    expect(out.text).toBe('streamed by backup');
    await chain('conversation', ['gemini/text', 'backup/text']);
  });
});

describe('the adapter itself', () => {
  const provider = (baseURL: string) => new GoogleProvider({ name: 'g', type: 'google', baseURL, apiKey: 'k', configured: true, envHint: [], headers: {}, options: {} });
  const request = { model: 'x', messages: [{ role: 'user' as const, content: 'hi' }] };

  it('maps an abort by the client and a deadline from the signal', async () => {
    const client = new AbortController();
    setTimeout(() => client.abort(), 30);
    await expect(provider(google.url).complete({ model: 'slow:2000', request, signal: client.signal })).rejects.toMatchObject({ kind: 'aborted' });
    await expect(provider(google.url).stream({ model: 'slow:2000', request, signal: AbortSignal.timeout(30) })).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('maps a refused connection to a network error', async () => {
    const error = await provider('http://127.0.0.1:9').complete({ model: 'text', request, signal: new AbortController().signal }).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'network', retryable: true });
  });

  it('splits a base URL that names an API version', () => {
    expect(splitBaseURL('https://example.com/gemini/v1beta/', undefined)).toEqual({ baseUrl: 'https://example.com/gemini', apiVersion: 'v1beta' });
    expect(splitBaseURL('https://example.com', 'v1alpha')).toEqual({ baseUrl: 'https://example.com', apiVersion: 'v1alpha' });
    expect(splitBaseURL(undefined, undefined)).toEqual({});
  });

  it('reads the SDK’s stream failures: unparseable events, a broken body', () => {
    const signal = new AbortController().signal;
    expect(mapGoogleSdkError('g', new GoogleGenerativeAIError('Error parsing JSON response: "{"'), signal, true).kind).toBe('invalid-response');
    expect(mapGoogleSdkError('g', new GoogleGenerativeAIError('Error reading from the stream'), signal, true).kind).toBe('stream');
  });
});
