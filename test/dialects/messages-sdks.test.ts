// /v1/messages with the official Anthropic SDK, unmodified: messages.create and messages.stream
// to an Anthropic target (passed through) and to an OpenAI-compatible one (translated); an
// OpenAI answer with reasoning, text and parallel tool calls read by the SDK's own accumulator;
// pings while waiting; failover that stays invisible; Anthropic-shaped errors; count_tokens;
// client keys as x-api-key; and Claude Code's request-class hint mapped to a category.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../support/fake-anthropic-upstream.ts';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai-upstream.ts';
import { startGateway, type RunningGateway } from '../support/start-gateway.ts';
import { until } from '../support/until.ts';

const CLIENT_KEY = 'sk-client-sdk';

describe('/v1/messages with the Anthropic SDK', () => {
  let anthropic: FakeAnthropic;
  let openai: FakeUpstream;
  let gw: RunningGateway;
  let client: Anthropic;

  beforeAll(async () => {
    anthropic = await startFakeAnthropic();
    openai = await startFakeOpenAI();
    gw = await startGateway({
      routerConfig: {
        providers: {
          fakeant: { type: 'anthropic', baseURL: anthropic.url, apiKeyEnv: 'FAKEANT_KEY' },
          fakeoa: { type: 'openai', baseURL: openai.baseURL, apiKeyEnv: 'FAKEOA_KEY' },
        },
        dialects: { pingIntervalMs: 10, claudeCodeRequestClasses: { auxiliary: 'conversation' } },
      },
      env: { FAKEANT_KEY: 'sk-ant-gateway', FAKEOA_KEY: 'sk-oa-gateway', ROUTER_API_KEYS: CLIENT_KEY },
      chains: { conversation: ['fakeoa/text:Hello from conversation'], code: ['fakeoa/text:Hello from code'] },
    });
    client = new Anthropic({ baseURL: gw.url, apiKey: CLIENT_KEY, maxRetries: 0 });
  });

  afterAll(async () => {
    await gw?.close();
    await anthropic?.close();
    await openai?.close();
  });

  async function useChain(category: string, models: string[]) {
    const res = await fetch(`${gw.url}/config/model-mapping`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ category, models }) });
    expect(res.status).toBe(200);
  }

  const ask = { max_tokens: 256, messages: [{ role: 'user' as const, content: 'Say hello' }] };

  it('passes messages.create and messages.stream through to an Anthropic target, thinking signature intact', async () => {
    await useChain('reasoning', ['fakeant/thinking']);
    const message = await client.messages.create({ model: 'router/reasoning', ...ask, thinking: { type: 'enabled', budget_tokens: 1024 } }, { headers: { 'anthropic-beta': 'interleaved-thinking-2025-05-14', 'anthropic-version': '2023-06-01' } });
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'The user wants the answer. It is 42.', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds' },
      { type: 'text', text: 'The answer is 42.' },
    ]);
    const sent = anthropic.requests.at(-1)!;
    expect(sent.body.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(sent.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14');
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers['x-api-key']).toBe('sk-ant-gateway');

    const stream = client.messages.stream({ model: 'router/reasoning', ...ask });
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'thinking', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds' });
    expect(final.content[1]).toEqual({ type: 'text', text: 'The answer is 42.' });
  });

  it('translates messages.create and messages.stream for an OpenAI-compatible target', async () => {
    const message = await client.messages.create({ model: 'router/conversation', ...ask });
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: 'router/conversation', content: [{ type: 'text', text: 'Hello from conversation' }], stop_reason: 'end_turn', usage: { input_tokens: 12, output_tokens: 5 } });
    const stream = client.messages.stream({ model: 'router/conversation', ...ask });
    let text = '';
    stream.on('text', (delta) => (text += delta));
    const final = await stream.finalMessage();
    expect(text).toBe('Hello from conversation');
    expect(final.content).toEqual([{ type: 'text', text: 'Hello from conversation' }]);
    expect(final.usage).toMatchObject({ input_tokens: 12, output_tokens: 5 });
  });

  it('gives an OpenAI answer with reasoning, text and parallel tool calls as a valid Anthropic stream', async () => {
    await useChain('tools', ['fakeoa/rich']);
    const stream = client.messages.stream({
      model: 'router/tools',
      max_tokens: 256,
      tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      messages: [{ role: 'user', content: 'Weather in Paris and Rome?' }],
    });
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content).toEqual([
      { type: 'thinking', thinking: 'Two cities, so two calls.', signature: '' },
      { type: 'text', text: 'Checking both.' },
      { type: 'tool_use', id: 'call_rich0', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_rich1', name: 'get_weather', input: { city: 'Rome' } },
    ]);
    expect(final.usage).toMatchObject({ input_tokens: 12, output_tokens: 5 });
  });

  it('keeps a tool loop at the Anthropic target that started it', async () => {
    await useChain('tools', ['fakeant/tool']);
    const tools = [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } }];
    const question = { role: 'user' as const, content: 'Weather in Paris?' };
    const first = await client.messages.create({ model: 'router/tools', max_tokens: 256, tools, messages: [question] });
    const call = first.content.find((b) => b.type === 'tool_use') as Anthropic.ToolUseBlock;
    expect(call.id).toBe('toolu_fake123');
    // The chain now starts with an OpenAI-family target; the loop's next turn still goes to Anthropic.
    await useChain('tools', ['fakeoa/tool', 'fakeant/tool']);
    const { data: second, response } = await client.messages
      .create({ model: 'router/tools', max_tokens: 256, tools, messages: [question, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '18°C' }] }] })
      .withResponse();
    expect(response.headers.get('x-router-model')).toBe('fakeant/tool');
    expect(second.content).toEqual([{ type: 'text', text: 'The weather is 18°C.' }]);
  });

  it('pings while no target has answered, and sends message_start only with the first content', async () => {
    await useChain('reasoning', ['fakeoa/slow:400']);
    const res = await fetch(`${gw.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': CLIENT_KEY, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'router/reasoning', ...ask, stream: true }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    const events = [...text.matchAll(/^event: (\S+)/gm)].map((m) => m[1]);
    expect(events[0]).toBe('ping');
    expect(events.indexOf('message_start')).toBeGreaterThan(0);
    expect(events.filter((e) => e === 'message_start')).toHaveLength(1);
    expect(events.at(-1)).toBe('message_stop');
  });

  it('stops the upstream when the client leaves a stream that is still waiting, and records it', async () => {
    await useChain('reasoning', ['fakeoa/slow:15000']);
    const before = openai.closedEarly();
    const controller = new AbortController();
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': CLIENT_KEY },
      body: JSON.stringify({ model: 'router/reasoning', ...ask, stream: true }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toContain('event: ping');
    controller.abort();
    await until(() => openai.closedEarly() === before + 1, 5000);
  });

  it('fails over before the first content without the client seeing it', async () => {
    await useChain('reasoning', ['fakeant/stream-error-first', 'fakeoa/text:Recovered']);
    const before = anthropic.calls('stream-error-first');
    const stream = client.messages.stream({ model: 'router/reasoning', ...ask });
    const events: string[] = [];
    stream.on('streamEvent', (event) => events.push(event.type));
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'Recovered' }]);
    // The first target was called and failed; the client saw one clean message from the second.
    expect(anthropic.calls('stream-error-first')).toBe(before + 1);
    expect(events.filter((e) => e === 'message_start')).toHaveLength(1);
    expect(events).not.toContain('error');
  });

  it("answers errors in Anthropic's shape and status", async () => {
    const unknown = await client.messages.create({ model: 'router/nope', ...ask }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(Anthropic.BadRequestError);
    expect((unknown as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });

    await useChain('reasoning', ['fakeoa/error:500']);
    const failed = await client.messages.create({ model: 'router/reasoning', ...ask }).catch((e: unknown) => e);
    expect((failed as InstanceType<typeof Anthropic.APIError>).status).toBe(502);
    expect((failed as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'api_error' } });

    const badKey = await new Anthropic({ baseURL: gw.url, apiKey: 'wrong', maxRetries: 0 }).messages.create({ model: 'router', ...ask }).catch((e: unknown) => e);
    expect(badKey).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((badKey as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });

    // The client key also works as a bearer token.
    const bearer = await new Anthropic({ baseURL: gw.url, authToken: CLIENT_KEY, apiKey: null, maxRetries: 0 }).messages.create({ model: 'router/conversation', ...ask });
    expect(bearer.content[0]).toMatchObject({ text: 'Hello from conversation' });
  });

  it('counts tokens at an Anthropic target when the chain has one, and estimates otherwise', async () => {
    await useChain('reasoning', ['fakeoa/text', 'fakeant/text']);
    const counted = await client.messages.countTokens({ model: 'router/reasoning', messages: ask.messages, system: 'Be brief.' });
    expect(counted).toEqual({ input_tokens: 42 });
    const sent = anthropic.requests.at(-1)!;
    expect(sent.path).toBe('/v1/messages/count_tokens');
    expect(sent.body).toEqual({ model: 'text', messages: ask.messages, system: 'Be brief.' });

    const estimated = await client.messages.countTokens({ model: 'router/conversation', messages: [{ role: 'user', content: 'x'.repeat(400) }] });
    expect(estimated.input_tokens).toBeGreaterThanOrEqual(100);
  });

  it("maps Claude Code's request class to the category the operator chose", async () => {
    const coding = { max_tokens: 256, messages: [{ role: 'user' as const, content: 'Write a TypeScript function that parses a CSV file and fix the failing unit test in parser.test.ts' }] };
    const { response: main } = await client.messages.create({ model: 'claude-opus-5-5', ...coding }).withResponse();
    expect(main.headers.get('x-router-category')).toBe('code');
    const { response: auxiliary } = await client.messages.create({ model: 'claude-haiku-4-5', ...coding }, { headers: { 'x-claude-code-request-class': 'auxiliary' } }).withResponse();
    expect(auxiliary.headers.get('x-router-category')).toBe('conversation');
  });

  it('logs the model Claude Code named, not the router it was routed as', async () => {
    const { response } = await client.messages.create({ model: 'claude-sonnet-4-5', ...ask }).withResponse();
    const id = response.headers.get('x-request-id')!;
    const record = (await (await fetch(`${gw.url}/requests/${id}`)).json()) as { requested_model: string; category: string };
    expect(record.requested_model).toBe('claude-sonnet-4-5');
  });
});
