// End to end: the official OpenAI SDK → the gateway's real HTTP server → the Ollama adapter →
// a fake Ollama on 127.0.0.1 (and a fake OpenAI upstream as the next target in chains).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startFakeOllama, type FakeOllama } from './support/fake-ollama-upstream.ts';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { startGateway, type RunningGateway } from './support/start-gateway.ts';
import { freePort } from './support/free-port.ts';
import { until } from './support/until.ts';

const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Get the weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};
const hi: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hello there' }];

let ollama: FakeOllama;
let backup: FakeUpstream;
let gw: RunningGateway;
let client: OpenAI;
let deadPort: number;

beforeAll(async () => {
  ollama = await startFakeOllama();
  backup = await startFakeOpenAI();
  deadPort = await freePort();
  gw = await startGateway({
    routerConfig: {
      providers: {
        ol: { type: 'ollama', baseURL: ollama.url, apiKeyEnv: 'OL_KEY', headers: { 'x-team': 'agents' }, options: { num_ctx: 8192, keep_alive: '5m' } },
        dead: { type: 'ollama', baseURL: `http://127.0.0.1:${deadPort}` },
        backup: { type: 'openai', baseURL: backup.baseURL, apiKeyEnv: 'BACKUP_KEY' },
      },
    },
    env: { OL_KEY: 'ollama-secret', BACKUP_KEY: 'test-key', ROUTER_ATTEMPT_TIMEOUT_MS: '1000' },
    chains: { tools: ['ol/tool', 'backup/tool'] },
  });
  client = gw.client();
});

afterAll(async () => {
  await gw?.close();
  await ollama?.close();
  await backup?.close();
});

async function setChain(models: string[]) {
  const res = await fetch(`${gw.url}/config/model-mapping`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ category: 'conversation', models }) });
  expect(res.status).toBe(200);
}

function lastOllamaRequest() {
  return ollama.requests.at(-1)!;
}

async function readStream(stream: AsyncIterable<OpenAI.ChatCompletionChunk>) {
  let text = '';
  let reasoning = '';
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | undefined;
  const calls: Record<number, { id: string; name: string; args: string }> = {};
  let error: unknown;
  try {
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as (OpenAI.ChatCompletionChunk.Choice.Delta & { reasoning_content?: string }) | undefined;
      text += delta?.content ?? '';
      reasoning += delta?.reasoning_content ?? '';
      for (const call of delta?.tool_calls ?? []) {
        const slot = (calls[call.index] ??= { id: '', name: '', args: '' });
        slot.id ||= call.id ?? '';
        slot.name ||= call.function?.name ?? '';
        slot.args += call.function?.arguments ?? '';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
  } catch (e) {
    error = e;
  }
  return { text, reasoning, finish, usage, calls, error };
}

describe('Ollama through the gateway', () => {
  it('answers a plain request and sends Ollama what it expects', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'ol/text', messages: [{ role: 'system', content: 'Be brief.' }, ...hi], temperature: 0.2, max_completion_tokens: 64, stop: ['END'], seed: 3 })
      .withResponse();
    expect(response.headers.get('x-router-model')).toBe('ol/text');
    expect(data.object).toBe('chat.completion');
    expect(data.id).toMatch(/^chatcmpl-/);
    expect(data.choices[0].message.content).toBe('Hello from text');
    expect(data.choices[0].finish_reason).toBe('stop');
    expect(data.usage).toMatchObject({ prompt_tokens: 16, completion_tokens: 22, total_tokens: 38 });

    const sent = lastOllamaRequest();
    expect(sent.path).toBe('/api/chat');
    expect(sent.body).toEqual({
      model: 'text',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hello there' }],
      options: { num_ctx: 8192, temperature: 0.2, num_predict: 64, stop: ['END'], seed: 3 },
      keep_alive: '5m',
      stream: false,
    });
    expect(sent.headers.authorization).toBe('Bearer ollama-secret');
    expect(sent.headers['x-team']).toBe('agents');
  });

  it('streams NDJSON as SSE chunks with the usage chunk when asked', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'ol/text:one two three', messages: hi, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const got = await readStream(stream);
    expect(got.error).toBeUndefined();
    expect(got.text).toBe('one two three');
    expect(got.finish).toBe('stop');
    expect(got.usage).toMatchObject({ prompt_tokens: 16, completion_tokens: 22, total_tokens: 38 });
    expect(lastOllamaRequest().body.stream).toBe(true);
  });

  it('leaves the usage chunk out when not asked, and ends with [DONE]', async () => {
    const res = await fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'ol/text', stream: true, messages: hi }) });
    const events = (await res.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice('data: '.length)));
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.every((c) => c.choices.length > 0 && !('usage' in c))).toBe(true);
  });

  it('passes thinking through as reasoning_content and reasoning_effort as think', async () => {
    const stream = await client.chat.completions.create({ model: 'ol/think', messages: hi, stream: true, reasoning_effort: 'low' });
    const got = await readStream(stream);
    expect(got.reasoning).toBe('Let me think.');
    expect(got.text).toBe('Done thinking.');
    expect(lastOllamaRequest().body.think).toBe('low');
    const plain = await client.chat.completions.create({ model: 'ol/think', messages: hi });
    expect((plain.choices[0].message as { reasoning_content?: string }).reasoning_content).toBe('Let me think.');
  });

  it('runs a streamed tool-call round trip: call, tool result, final answer', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
    const { data: stream, response } = await client.chat.completions.create({ model: 'router/tools', messages, tools: [weatherTool], stream: true }).withResponse();
    expect(response.headers.get('x-router-model')).toBe('ol/tool');
    const first = await readStream(stream);
    expect(first.finish).toBe('tool_calls');
    expect(first.calls[0].id).toMatch(/^call_0_[0-9a-f]{12}$/);
    expect(first.calls[0].name).toBe('get_weather');
    expect(JSON.parse(first.calls[0].args)).toEqual({ city: 'Paris' });
    expect(lastOllamaRequest().body.tools).toEqual([{ type: 'function', function: weatherTool.function }]);

    messages.push({ role: 'assistant', content: null, tool_calls: [{ id: first.calls[0].id, type: 'function', function: { name: first.calls[0].name, arguments: first.calls[0].args } }] });
    messages.push({ role: 'tool', tool_call_id: first.calls[0].id, content: 'sunny, 21°C' });
    const final = await readStream(await client.chat.completions.create({ model: 'router/tools', messages, tools: [weatherTool], stream: true }));
    expect(final.text).toBe('The weather is sunny, 21°C.');
    expect(final.finish).toBe('stop');
    const sent = lastOllamaRequest().body;
    expect(sent.messages[1]).toEqual({ role: 'assistant', content: '', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }] });
    expect(sent.messages[2]).toEqual({ role: 'tool', content: 'sunny, 21°C', tool_name: 'get_weather' });
  });

  it('indexes tool calls that arrive on separate stream lines', async () => {
    const got = await readStream(await client.chat.completions.create({ model: 'ol/two-tools', messages: hi, tools: [weatherTool], stream: true }));
    expect(Object.values(got.calls).map((c) => JSON.parse(c.args))).toEqual([{ city: 'Paris' }, { city: 'Rome' }]);
    expect(new Set(Object.values(got.calls).map((c) => c.id)).size).toBe(2);
  });

  it('sends tool_choice "none" as no tools', async () => {
    await client.chat.completions.create({ model: 'ol/text', messages: hi, tools: [weatherTool], tool_choice: 'none' });
    expect(lastOllamaRequest().body).not.toHaveProperty('tools');
  });

  it('sends inline images as bare base64 and never reads a file named by one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'olimg'));
    const file = path.join(dir, 'secret');
    writeFileSync(file, 'do not upload me');
    try {
      await client.chat.completions.create({
        model: 'ol/text',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Describe' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }, { type: 'image_url', image_url: { url: `data:image/png;base64,${file}` } }] }],
      });
      expect(lastOllamaRequest().body.messages[0]).toEqual({ role: 'user', content: 'Describe', images: ['iVBORw0KGgo=', file] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a remote image URL and moves on to a target that can take it', async () => {
    await setChain(['ol/text', 'backup/text:seen by backup']);
    const before = ollama.requests.length;
    const image = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'What is this?' }, { type: 'image_url' as const, image_url: { url: 'https://example.com/cat.png' } }] }];
    const { data, response } = await client.chat.completions.create({ model: 'router/conversation', messages: image }).withResponse();
    expect(data.choices[0].message.content).toBe('seen by backup');
    expect(response.headers.get('x-router-attempts')).toBe('2');
    expect(ollama.requests.length).toBe(before);
  });
});

describe('Ollama errors through the gateway', () => {
  it('moves on past a 500', async () => {
    await setChain(['ol/error:500', 'backup/text:fixed by backup']);
    const { data, response } = await client.chat.completions.create({ model: 'router/conversation', messages: hi }).withResponse();
    expect(data.choices[0].message.content).toBe('fixed by backup');
    expect(response.headers.get('x-router-attempts')).toBe('2');
  });

  it('moves on past a model that does not support tools (400 → 501), streamed and not', async () => {
    await setChain(['ol/no-tools', 'backup/tool']);
    const { response } = await client.chat.completions.create({ model: 'router/conversation', messages: hi, tools: [weatherTool] }).withResponse();
    expect(response.headers.get('x-router-model')).toBe('backup/tool');
    const { data: stream, response: streamed } = await client.chat.completions.create({ model: 'router/conversation', messages: hi, tools: [weatherTool], stream: true }).withResponse();
    expect(streamed.headers.get('x-router-model')).toBe('backup/tool');
    expect((await readStream(stream)).finish).toBe('tool_calls');
  });

  it('reports the unsupported-tools message when it was the only target', async () => {
    const error = await client.chat.completions.create({ model: 'ol/no-tools', messages: hi, tools: [weatherTool] }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.status).toBe(502);
    expect(error.message).toContain('does not support tools');
  });

  it('moves on past a context-length 400', async () => {
    await setChain(['ol/context', 'backup/text:bigger window']);
    const { data } = await client.chat.completions.create({ model: 'router/conversation', messages: hi }).withResponse();
    expect(data.choices[0].message.content).toBe('bigger window');
  });

  it('returns any other 400 at once without trying the next target', async () => {
    await setChain(['ol/error:400', 'backup/text']);
    const before = backup.requests.length;
    const error = await client.chat.completions.create({ model: 'router/conversation', messages: hi }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.error).toMatchObject({ type: 'invalid_request_error' });
    expect(error.message).toContain('fake ollama error 400');
    expect(backup.requests.length).toBe(before);
  });

  it('moves on past a refused connection', async () => {
    await setChain(['dead/llama3.2', 'backup/text:backup after refusal']);
    const { data, response } = await client.chat.completions.create({ model: 'router/conversation', messages: hi }).withResponse();
    expect(data.choices[0].message.content).toBe('backup after refusal');
    expect(response.headers.get('x-router-attempts')).toBe('2');
  });

  it('ends the client stream with an error when Ollama reports one mid-stream', async () => {
    const { data: stream, response } = await client.chat.completions.create({ model: 'ol/midstream-error', messages: hi, stream: true }).withResponse();
    expect(response.headers.get('x-router-model')).toBe('ol/midstream-error');
    const got = await readStream(stream);
    expect(got.text).toBe('Partial answer ');
    expect(got.error).toBeInstanceOf(OpenAI.APIError);
    expect((got.error as Error).message).toContain('an error was encountered while running the model');
  });

  it('ends the client stream with an error when the connection is cut', async () => {
    const got = await readStream(await client.chat.completions.create({ model: 'ol/cut-mid-stream', messages: hi, stream: true }));
    expect(got.text).toBe('Partial ');
    expect(got.error).toBeInstanceOf(OpenAI.APIError);
  });

  it('stops the Ollama request at the attempt deadline and moves on', async () => {
    await setChain(['ol/hang', 'backup/text:after the deadline']);
    const before = ollama.requests.length;
    const data = await client.chat.completions.create({ model: 'router/conversation', messages: hi });
    expect(data.choices[0].message.content).toBe('after the deadline');
    const hung = ollama.requests.slice(before).find((r) => r.body.model === 'hang')!;
    await until(() => hung.closedEarly);
  });

  it('stops the Ollama stream when the client goes away', async () => {
    const before = ollama.requests.length;
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ model: 'ol/hang', messages: hi, stream: true }, { signal: controller.signal });
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta?.content) break;
    }
    controller.abort();
    const hung = ollama.requests.slice(before).find((r) => r.body.model === 'hang')!;
    await until(() => hung.closedEarly);
  });
});


