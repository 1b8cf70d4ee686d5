// /v1/responses with real clients, unmodified: the openai SDK's responses.create / .stream and the
// Vercel AI SDK's default OpenAI provider (openai('router') speaks Responses): generateText,
// streamText and a tool round trip. Also previous_response_id, failover before content, and errors.
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../support/fake-anthropic-upstream.ts';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai-upstream.ts';
import { fakeKeys, fakeProviders, startGateway, type RunningGateway } from '../support/start-gateway.ts';

describe('/v1/responses with the openai SDK and the Vercel AI SDK', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    gw = await startGateway({
      routerConfig: fakeProviders({ fake: upstream.baseURL }),
      env: fakeKeys(['fake']),
      chains: { conversation: ['fake/text:Hello there'], tools: ['fake/tool'], code: ['fake/tool'] },
    });
    client = gw.client();
  });

  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('answers responses.create with a response object', async () => {
    const { data: response, response: raw } = await client.responses.create({ model: 'router/conversation', instructions: 'Be brief.', input: 'Say hello' }).withResponse();
    expect(response.object).toBe('response');
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('Hello there');
    expect(response.usage).toMatchObject({ input_tokens: 12, output_tokens: 5, total_tokens: 17 });
    expect(raw.headers.get('x-router-model')).toBe('fake/text:Hello there');
    const sent = upstream.requests.at(-1)!.body;
    expect(sent.messages).toEqual([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }]);
  });

  it('streams with responses.stream: the events in order and the final response', async () => {
    const stream = client.responses.stream({ model: 'router/conversation', input: 'Say hello' });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    const final = await stream.finalResponse();
    expect(text).toBe('Hello there');
    expect(final.output_text).toBe('Hello there');
    expect(final.usage?.output_tokens).toBe(5);
    expect(types.slice(0, 4)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    expect(types.slice(-4)).toEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed']);
  });

  it('runs a tool round trip over previous_response_id', async () => {
    const tools: OpenAI.Responses.Tool[] = [{ type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: false }];
    const first = await client.responses.create({ model: 'router/tools', input: 'Weather in Paris?', tools });
    const call = first.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: '{"city":"Paris"}', call_id: 'call_fake123' });
    const second = await client.responses.create({ model: 'router/tools', previous_response_id: first.id, input: [{ type: 'function_call_output', call_id: 'call_fake123', output: '18°C and sunny' }], tools });
    expect(second.output_text).toBe('The weather is 18°C and sunny.');
    // The stored conversation went upstream in full: the question, the call, its result.
    expect(upstream.requests.at(-1)!.body.messages.map((m: any) => m.role)).toEqual(['user', 'assistant', 'tool']);
  });

  it('refuses a previous_response_id it does not hold with a clear 400', async () => {
    const error = await client.responses.create({ model: 'router/conversation', previous_response_id: 'resp_unknown', input: 'and?' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('previous_response_not_found');
    expect((error as Error).message).toContain('resp_unknown');
  });

  it('fails over to the next target before the first event, invisibly', async () => {
    const res = await fetch(`${gw.baseURL}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'router/conversation', input: 'hi', stream: true }),
    });
    expect(res.status).toBe(200);
    await res.text();
    // Now a chain whose first target breaks before content.
    await fetch(`${gw.url}/config/model-mapping`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ category: 'reasoning', models: ['fake/cut-before-content', 'fake/text:Recovered'] }) });
    const stream = client.responses.stream({ model: 'router/reasoning', input: 'hi' });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect((await stream.finalResponse()).output_text).toBe('Recovered');
    expect(types.filter((t) => t === 'response.created')).toHaveLength(1);
  });

  describe('Vercel AI SDK, default openai provider', () => {
    const urls: string[] = [];
    // The provider's own fetch, only watched: every call must go to /v1/responses.
    const provider = () => createOpenAI({ baseURL: gw.baseURL, apiKey: 'client-key', fetch: (input, init) => (urls.push(String(input)), fetch(input, init)) });

    it('generateText and streamText', async () => {
      const generated = await generateText({ model: provider()('router/conversation'), prompt: 'Say hello' });
      expect(generated.text).toBe('Hello there');
      const streamed = streamText({ model: provider()('router/conversation'), prompt: 'Say hello' });
      let text = '';
      for await (const part of streamed.textStream) text += part;
      expect(text).toBe('Hello there');
      expect((await streamed.usage).outputTokens).toBe(5);
    });

    it('a tool round trip', async () => {
      const calls: string[] = [];
      const result = await generateText({
        model: provider()('router/tools'),
        prompt: 'Weather in Paris?',
        tools: {
          get_weather: tool({
            description: 'Weather for a city',
            inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
            execute: async ({ city }) => {
              calls.push(city);
              return '18°C';
            },
          }),
        },
        stopWhen: stepCountIs(3),
      });
      expect(calls).toEqual(['Paris']);
      expect(result.text).toContain('The weather is');
      expect(result.text).toContain('18°C');
      expect(urls.length).toBeGreaterThanOrEqual(4);
      expect(new Set(urls)).toEqual(new Set([`${gw.baseURL}/responses`]));
    });
  });
});

describe('/v1/responses stored responses expire', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    gw = await startGateway({ routerConfig: { ...(fakeProviders({ fake: upstream.baseURL }) as object), dialects: { responsesStoreTtlS: 1 } }, env: fakeKeys(['fake']), chains: { conversation: ['fake/text'] } });
  });

  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('answers 400 for an id past dialects.responsesStoreTtlS', async () => {
    const client = gw.client();
    const first = await client.responses.create({ model: 'router/conversation', input: 'hi' });
    // Polled, not timed: the id must stop working once its second has passed.
    let status = 200;
    const started = Date.now();
    while (status === 200 && Date.now() - started < 10_000) {
      await new Promise((r) => setTimeout(r, 250));
      status = await client.responses.create({ model: 'router/conversation', previous_response_id: first.id, input: 'and?', store: false }).then(
        () => 200,
        (e: { status?: number }) => e.status ?? 0,
      );
    }
    expect(status).toBe(400);
  });
});

describe('/v1/responses to an Anthropic target', () => {
  let anthropic: FakeAnthropic;
  let gw: RunningGateway;

  beforeAll(async () => {
    anthropic = await startFakeAnthropic();
    gw = await startGateway({ routerConfig: { providers: { fa: { type: 'anthropic', baseURL: anthropic.url, apiKeyEnv: 'FA_KEY' } } }, env: { FA_KEY: 'k' } });
  });

  afterAll(async () => {
    await gw?.close();
    await anthropic?.close();
  });

  it('streams thinking as a reasoning item and the text as a message', async () => {
    const stream = gw.client().responses.stream({ model: 'fa/thinking', instructions: 'Think first.', input: 'What is the answer?' });
    let summary = '';
    for await (const event of stream) if (event.type === 'response.reasoning_summary_text.delta') summary += event.delta;
    const final = await stream.finalResponse();
    expect(summary).toBe('The user wants the answer. It is 42.');
    expect(final.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(final.output_text).toBe('The answer is 42.');
    expect(final.usage).toMatchObject({ input_tokens: 16, output_tokens: 5, input_tokens_details: { cached_tokens: 4 } });
    expect(anthropic.requests.at(-1)!.body.system).toBe('Think first.');
  });
});
