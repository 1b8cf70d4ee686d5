// End to end: the official OpenAI SDK → the gateway's real HTTP server → fake upstreams on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Database from 'better-sqlite3';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { fakeKeys, fakeProviders, startGateway, type RunningGateway } from './support/start-gateway.ts';

const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Get the weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

let upstream: FakeUpstream;
let backup: FakeUpstream;
let gw: RunningGateway;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  backup = await startFakeOpenAI();
  gw = await startGateway({
    routerConfig: fakeProviders({ primary: upstream.baseURL, backup: backup.baseURL }),
    env: { ...fakeKeys(['primary', 'backup']), ROUTER_LOG_FLUSH_MS: '50' },
    chains: {
      conversation: ['primary/text', 'backup/text'],
      code: ['primary/error:500', 'backup/text:fixed by backup'],
      reasoning: ['primary/error:400', 'backup/text'],
      tools: ['primary/tool', 'backup/tool'],
    },
  });
  client = gw.client();
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
  await backup?.close();
});

describe('chat completions through the gateway', () => {
  it('answers a plain request with an OpenAI chat.completion and routing headers', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'router/conversation', messages: [{ role: 'user', content: 'hello there' }] })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0].message.content).toBe('Hello from text');
    expect(data.usage?.total_tokens).toBe(17);
    expect(response.headers.get('x-router-category')).toBe('conversation');
    expect(response.headers.get('x-router-model')).toBe('primary/text');
    expect(response.headers.get('x-router-attempts')).toBe('1');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('passes fields it does not interpret through to the upstream unchanged', async () => {
    const before = upstream.requests.length;
    await client.chat.completions.create({
      model: 'router/conversation',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.3,
      seed: 42,
      logit_bias: { '50256': -100 },
      metadata: { team: 'agents' },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const sent = upstream.requests[before].body;
    expect(sent.model).toBe('text');
    expect(sent.temperature).toBe(0.3);
    expect(sent.seed).toBe(42);
    expect(sent.logit_bias).toEqual({ '50256': -100 });
    expect(sent.metadata).toEqual({ team: 'agents' });
  });

  it('sends an OpenAI-family target the client’s own bytes with only the model and stream fields replaced', async () => {
    const sent = '{ "messages" : [ {"role":"user","content":"Hi \\u00e9 \\"there\\" {[]}"} ],\n  "model": "router/conversation", "x_custom": {"keep": [1, 2.50, "as sent"]}, "temperature": 0.70 }';
    for (const stream of [false, true]) {
      const body = stream ? sent.replace('"temperature"', '"stream": true, "temperature"') : sent;
      const before = upstream.requests.length;
      const res = await fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await res.text();
      const raw = upstream.requests[before].raw;
      const expected = stream
        ? body.replace('"router/conversation"', '"text"').replace('"stream": true', '"stream": true').replace(/ }$/, ',"stream_options":{"include_usage":true} }')
        : body.replace('"router/conversation"', '"text"').replace(/ }$/, ',"stream":false }');
      expect(raw).toBe(expected);
    }
  });

  it('sends a body with non-ASCII text (accents, emoji, CJK) upstream as the client’s own UTF-8 bytes', async () => {
    const body = '{"model":"router/conversation","messages":[{"role":"user","content":"Grüße 🌍 — 東京 «ok»"}], "ünïcode_key": "é"}';
    const before = upstream.requests.length;
    const res = await fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body });
    expect(res.status).toBe(200);
    await res.text();
    expect(upstream.requests[before].raw).toBe(body.replace('"router/conversation"', '"text"').replace(/}$/, ',"stream":false}'));
  });

  it('streams SSE chunks with the usage chunk when include_usage is set', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'router/conversation', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } })
      .withResponse();
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('x-router-model')).toBe('primary/text');
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Hello from text');
    expect(finish).toBe('stop');
    expect(usage?.prompt_tokens).toBe(12);
  });

  it('leaves the usage chunk out when the client did not ask for it, and ends with [DONE]', async () => {
    const res = await fetch(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'router/conversation', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const body = await res.text();
    const events = body.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice('data: '.length)));
    expect(chunks.every((c) => c.choices.length > 0 && !('usage' in c))).toBe(true);
  });

  it('runs a streamed tool-call round trip: call, tool result, final answer', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
    const stream = await client.chat.completions.create({ model: 'router/tools', messages, tools: [weatherTool], stream: true });
    const calls: Record<number, { id: string; name: string; args: string }> = {};
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const delta of chunk.choices[0]?.delta?.tool_calls ?? []) {
        const call = (calls[delta.index] ??= { id: '', name: '', args: '' });
        call.id ||= delta.id ?? '';
        call.name ||= delta.function?.name ?? '';
        call.args += delta.function?.arguments ?? '';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe('tool_calls');
    expect(calls[0].name).toBe('get_weather');
    expect(JSON.parse(calls[0].args)).toEqual({ city: 'Paris' });

    messages.push({ role: 'assistant', content: null, tool_calls: [{ id: calls[0].id, type: 'function', function: { name: calls[0].name, arguments: calls[0].args } }] });
    messages.push({ role: 'tool', tool_call_id: calls[0].id, content: 'sunny, 21°C' });
    const final = await client.chat.completions.create({ model: 'router/tools', messages, tools: [weatherTool] });
    expect(final.choices[0].message.content).toBe('The weather is sunny, 21°C.');
    const sent = upstream.requests.at(-1)!.body;
    expect(sent.messages[1].tool_calls[0].id).toBe('call_fake123');
    expect(sent.messages[2]).toMatchObject({ role: 'tool', tool_call_id: 'call_fake123' });
  });

  it('sends a direct provider/model target to that target alone', async () => {
    const { response, data } = await client.chat.completions.create({ model: 'backup/text:direct answer', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(data.choices[0].message.content).toBe('direct answer');
    expect(response.headers.get('x-router-model')).toBe('backup/text:direct answer');
    expect(response.headers.get('x-router-category')).toBe('direct');
  });

  it('falls back to the next target when the first answers 500', async () => {
    const { response, data } = await client.chat.completions.create({ model: 'router/code', messages: [{ role: 'user', content: 'fix my code' }] }).withResponse();
    expect(data.choices[0].message.content).toBe('fixed by backup');
    expect(response.headers.get('x-router-model')).toBe('backup/text:fixed by backup');
    expect(response.headers.get('x-router-attempts')).toBe('2');
  });

  it('returns an upstream 400 about the request at once, without trying the next target', async () => {
    const before = backup.requests.length;
    const error = await client.chat.completions.create({ model: 'router/reasoning', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.status).toBe(400);
    expect(error.error).toMatchObject({ type: 'invalid_request_error', param: 'messages' });
    expect(backup.requests.length).toBe(before);
  });
});

describe('client errors', () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('answers malformed JSON with a 400 in OpenAI error shape', async () => {
    const res = await post('{"model": "router", "messages": [');
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json', param: null });
    expect(typeof body.error.message).toBe('string');
  });

  it('names the offending parameter of a bad body', async () => {
    const res = await post(JSON.stringify({ model: 'router', messages: [{ role: 'wizard', content: 'hi' }] }));
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.param).toBe('messages[0].role');
  });

  it('rejects a tool message without tool_call_id', async () => {
    const res = await post(JSON.stringify({ model: 'router', messages: [{ role: 'tool', content: 'x' }] }));
    expect(res.status).toBe(400);
    expect((await res.json()).error.param).toBe('messages[0].tool_call_id');
  });

  it('rejects an unknown provider and an unknown category with 400', async () => {
    const provider = await post(JSON.stringify({ model: 'nosuch/model', messages: [{ role: 'user', content: 'hi' }] }));
    expect(provider.status).toBe(400);
    expect((await provider.json()).error).toMatchObject({ code: 'unknown_provider', param: 'model' });
    const category = await post(JSON.stringify({ model: 'router/nosuch', messages: [{ role: 'user', content: 'hi' }] }));
    expect(category.status).toBe(400);
    expect((await category.json()).error.code).toBe('unknown_category');
  });

  it('answers a body over ROUTER_MAX_BODY_MB with 413', async () => {
    const big = JSON.stringify({ model: 'router', messages: [{ role: 'user', content: 'x'.repeat(11 * 1024 * 1024) }] });
    const res = await post(big);
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('request_too_large');
  });
});

describe('the request log', () => {
  it('records every request that reached the gateway, including rejected ones', async () => {
    await fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'log-test/1.0' }, body: '{"broken' });
    await client.chat.completions.create({ model: 'router/code', messages: [{ role: 'user', content: 'fix it' }] });
    gw.gateway.log.flush();
    const db = new Database(gw.config.dbPath, { readonly: true });
    const rejected = db.prepare(`SELECT * FROM requests WHERE user_agent = 'log-test/1.0'`).get() as Record<string, any>;
    expect(rejected).toMatchObject({ status: 400, outcome: 'error', stream: 0 });
    const served = db.prepare(`SELECT * FROM requests WHERE category = 'code' AND status = 200 ORDER BY ts DESC LIMIT 1`).get() as Record<string, any>;
    db.close();
    expect(served).toMatchObject({ classifier_method: 'forced', requested_model: 'router/code', target: 'backup/text:fixed by backup', attempt_count: 2, prompt_tokens: 12, completion_tokens: 5 });
    const attempts = JSON.parse(served.attempts);
    expect(attempts[0]).toMatchObject({ target: 'primary/error:500', outcome: 'error', status: 500 });
    expect(attempts[1]).toMatchObject({ target: 'backup/text:fixed by backup', outcome: 'ok' });
    expect(served.total_ms).toBeGreaterThan(0);
  });
});

describe('models and health', () => {
  it('lists router, each category and the chain targets in OpenAI list shape', async () => {
    const models = await client.models.list();
    const ids = models.data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['router', 'router/tools', 'router/code', 'router/reasoning', 'router/conversation', 'primary/text', 'backup/text']));
  });

  it('answers /health', async () => {
    const res = await fetch(`${gw.url}/health`);
    expect(res.status).toBe(200);
    expect((await res.json()).status).toBe('ok');
  });
});
