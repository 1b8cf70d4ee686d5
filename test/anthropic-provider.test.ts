// End to end: the official OpenAI SDK → the gateway's real HTTP server → the Anthropic adapter
// (official @anthropic-ai/sdk) → a fake Anthropic Messages API on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startFakeAnthropic, type FakeAnthropic } from './support/fake-anthropic-upstream.ts';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { startGateway, type RunningGateway } from './support/start-gateway.ts';

const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Get the weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

let claude: FakeAnthropic;
let backup: FakeUpstream;
let gw: RunningGateway;
let client: OpenAI;

beforeAll(async () => {
  claude = await startFakeAnthropic();
  backup = await startFakeOpenAI();
  gw = await startGateway({
    routerConfig: {
      providers: {
        claude: { type: 'anthropic', baseURL: claude.url, apiKeyEnv: 'CLAUDE_KEY' },
        backup: { type: 'openai', baseURL: backup.baseURL, apiKeyEnv: 'BACKUP_KEY' },
      },
    },
    env: { CLAUDE_KEY: 'sk-ant-test', BACKUP_KEY: 'test-key', ROUTER_LOG_FLUSH_MS: '50' },
    chains: {
      conversation: ['claude/error:529', 'backup/text:served by backup'],
      code: ['claude/error:429', 'backup/text:after rate limit'],
      reasoning: ['claude/error:400', 'backup/text'],
      tools: ['claude/stream-error-first', 'backup/text:after stream error'],
    },
  });
  client = gw.client();
});

afterAll(async () => {
  await gw?.close();
  await claude?.close();
  await backup?.close();
});

async function collect(stream: AsyncIterable<OpenAI.ChatCompletionChunk>) {
  let text = '';
  let reasoning = '';
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | null | undefined;
  const calls: Record<number, { id: string; name: string; args: string }> = {};
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    text += choice.delta?.content ?? '';
    reasoning += (choice.delta as { reasoning_content?: string })?.reasoning_content ?? '';
    finish = choice.finish_reason ?? finish;
    for (const delta of choice.delta?.tool_calls ?? []) {
      const call = (calls[delta.index] ??= { id: '', name: '', args: '' });
      call.id ||= delta.id ?? '';
      call.name ||= delta.function?.name ?? '';
      call.args += delta.function?.arguments ?? '';
    }
  }
  return { text, reasoning, finish, usage, calls };
}

describe('Anthropic through the gateway', () => {
  it('answers a plain request as an OpenAI chat.completion with mapped usage', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'claude/text', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hello there' }] })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.id).toBe('msg_fake1');
    expect(data.choices[0].message.content).toBe('Hello from text');
    expect(data.choices[0].finish_reason).toBe('stop');
    // 12 input + 4 cache reads; the cache reads are the cached part.
    expect(data.usage).toMatchObject({ prompt_tokens: 16, completion_tokens: 5, total_tokens: 21, prompt_tokens_details: { cached_tokens: 4 } });
    expect(response.headers.get('x-router-model')).toBe('claude/text');

    const sent = claude.requests.at(-1)!;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['anthropic-version']).toBeTruthy();
    expect(sent.headers.authorization ?? sent.headers['x-api-key']).toContain('sk-ant-test');
    expect(sent.body).toEqual({ model: 'text', max_tokens: 4096, system: 'Be brief.', messages: [{ role: 'user', content: [{ type: 'text', text: 'hello there' }] }] });
  });

  it('translates images, sampling, stop and user into the Anthropic request', async () => {
    await client.chat.completions.create({
      model: 'claude/text',
      messages: [
        { role: 'developer', content: 'Describe images.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
      temperature: 0.2,
      max_completion_tokens: 300,
      stop: ['END'],
      user: 'user-7',
    });
    expect(claude.requests.at(-1)!.body).toEqual({
      model: 'text',
      max_tokens: 300,
      system: 'Describe images.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
      stop_sequences: ['END'],
      temperature: 0.2,
      metadata: { user_id: 'user-7' },
    });
  });

  it('streams text with the usage chunk when include_usage is set', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'claude/text:streamed words here', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } })
      .withResponse();
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const result = await collect(stream);
    expect(result.text).toBe('streamed words here');
    expect(result.finish).toBe('stop');
    expect(result.usage).toMatchObject({ prompt_tokens: 16, completion_tokens: 5, total_tokens: 21, prompt_tokens_details: { cached_tokens: 4 } });
    expect(claude.requests.at(-1)!.body.stream).toBe(true);
  });

  it('runs a streamed tool-call round trip: call, tool result, final answer', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
    const first = await collect(await client.chat.completions.create({ model: 'claude/tool', messages, tools: [weatherTool], tool_choice: 'auto', stream: true }));
    expect(first.finish).toBe('tool_calls');
    expect(first.calls[0]).toMatchObject({ id: 'toolu_fake123', name: 'get_weather' });
    expect(JSON.parse(first.calls[0].args)).toEqual({ city: 'Paris' });
    expect(claude.requests.at(-1)!.body).toMatchObject({
      tools: [{ name: 'get_weather', description: 'Get the weather for a city', input_schema: weatherTool.function.parameters }],
      tool_choice: { type: 'auto' },
    });

    messages.push({ role: 'assistant', content: null, tool_calls: [{ id: first.calls[0].id, type: 'function', function: { name: first.calls[0].name, arguments: first.calls[0].args } }] });
    messages.push({ role: 'tool', tool_call_id: first.calls[0].id, content: 'sunny, 21°C' });
    const final = await collect(await client.chat.completions.create({ model: 'claude/tool', messages, tools: [weatherTool], stream: true }));
    expect(final.text).toBe('The weather is sunny, 21°C.');
    expect(final.finish).toBe('stop');
    const sent = claude.requests.at(-1)!.body;
    expect(sent.messages[1]).toEqual({ role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_fake123', name: 'get_weather', input: { city: 'Paris' } }] });
    expect(sent.messages[2]).toEqual({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_fake123', content: 'sunny, 21°C' }] });
  });

  it('returns a non-streamed tool call with JSON string arguments', async () => {
    const data = await client.chat.completions.create({ model: 'claude/tool', messages: [{ role: 'user', content: 'weather?' }], tools: [weatherTool], tool_choice: 'required', parallel_tool_calls: false });
    expect(data.choices[0].finish_reason).toBe('tool_calls');
    expect(data.choices[0].message.tool_calls).toEqual([{ id: 'toolu_fake123', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
    expect(claude.requests.at(-1)!.body.tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
  });

  it('returns thinking as reasoning_content, streamed and not', async () => {
    const data = await client.chat.completions.create({ model: 'claude/thinking', messages: [{ role: 'user', content: 'q' }] });
    expect(data.choices[0].message.content).toBe('The answer is 42.');
    expect((data.choices[0].message as { reasoning_content?: string }).reasoning_content).toBe('The user wants the answer. It is 42.');
    const streamed = await collect(await client.chat.completions.create({ model: 'claude/thinking', messages: [{ role: 'user', content: 'q' }], stream: true }));
    expect(streamed.reasoning).toBe('The user wants the answer. It is 42.');
    expect(streamed.text).toBe('The answer is 42.');
  });
});

describe('Anthropic failures and the chain', () => {
  it('moves on to the next target when Anthropic answers 529 overloaded', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'router/conversation', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(data.choices[0].message.content).toBe('served by backup');
    expect(response.headers.get('x-router-model')).toBe('backup/text:served by backup');
    expect(response.headers.get('x-router-attempts')).toBe('2');
  });

  it('moves on after a 429 and then skips the target for its retry-after', async () => {
    const first = await client.chat.completions.create({ model: 'router/code', messages: [{ role: 'user', content: 'fix my code' }] });
    expect(first.choices[0].message.content).toBe('after rate limit');
    const calls = claude.calls('error:429');
    const { data, response } = await client.chat.completions.create({ model: 'router/code', messages: [{ role: 'user', content: 'fix it again' }] }).withResponse();
    expect(data.choices[0].message.content).toBe('after rate limit');
    expect(claude.calls('error:429')).toBe(calls);
    expect(response.headers.get('x-router-attempts')).toBe('2');
  });

  it('returns an Anthropic 400 at once in OpenAI error shape, without trying the next target', async () => {
    const before = backup.requests.length;
    const error = await client.chat.completions.create({ model: 'router/reasoning', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.status).toBe(400);
    expect(error.error).toMatchObject({ type: 'invalid_request_error' });
    expect(error.error.message).toContain('fake upstream error 400');
    expect(backup.requests.length).toBe(before);
  });

  it('answers 502 when the only target fails with 401', async () => {
    const error = await client.chat.completions.create({ model: 'claude/error:401', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.status).toBe(502);
    expect(error.error.attempts[0]).toMatchObject({ target: 'claude/error:401', outcome: 'error', status: 401 });
  });

  it('moves on when the stream fails with an error event before any content', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'router/tools', messages: [{ role: 'user', content: 'use a tool' }], stream: true })
      .withResponse();
    expect(response.headers.get('x-router-model')).toBe('backup/text:after stream error');
    expect((await collect(stream)).text).toBe('after stream error');
  });

  it('ends the client stream with an error when Anthropic sends an error event mid-stream', async () => {
    const stream = await client.chat.completions.create({ model: 'claude/stream-error', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    })().catch((e) => e);
    expect(text).toBe('Hello from ');
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(String(error.message)).toContain('Overloaded');
  });

  it('ends the client stream with an error when the connection drops mid-stream', async () => {
    const stream = await client.chat.completions.create({ model: 'claude/cut-mid-stream', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const error = await (async () => {
      for await (const _ of stream);
    })().catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(String(error.message)).toContain('mid-stream');
  });
});
