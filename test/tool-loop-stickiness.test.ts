// A tool loop's later turns go back to the target that issued the tool calls; if it fails
// there, the chain serves as usual.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type OpenAI from 'openai';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { startGateway, type RunningGateway } from './support/start-gateway.ts';

const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Get the weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

let x: FakeUpstream;
let y: FakeUpstream;
let z: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  [x, y, z] = await Promise.all([startFakeOpenAI(), startFakeOpenAI(), startFakeOpenAI()]);
  gw = await startGateway({
    routerConfig: { providers: { x: { type: 'openai', baseURL: x.baseURL }, y: { type: 'openai', baseURL: y.baseURL }, z: { type: 'openai', baseURL: z.baseURL } } },
    chains: { tools: ['x/error:503', 'y/tool', 'z/tool'] },
  });
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([x?.close(), z?.close()]);
});

describe('tool-loop stickiness', () => {
  it('sends the loop’s next turn to the target that issued the calls, and falls back when it is gone', async () => {
    const client = gw.client();
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the weather in Paris? Use the tool.' }];
    const first = await client.chat.completions.create({ model: 'router', messages, tools: [weatherTool] }).withResponse();
    expect(first.response.headers.get('x-router-model')).toBe('y/tool');
    expect(x.calls('error:503')).toBe(1);
    const call = first.data.choices[0].message.tool_calls![0];

    messages.push({ role: 'assistant', content: null, tool_calls: [call] });
    messages.push({ role: 'tool', tool_call_id: call.id, content: 'sunny' });
    const second = await client.chat.completions.create({ model: 'router', messages, tools: [weatherTool] }).withResponse();
    expect(second.response.headers.get('x-router-model')).toBe('y/tool');
    expect(second.response.headers.get('x-router-attempts')).toBe('1');
    expect(x.calls('error:503')).toBe(1);
    const classified = await (await fetch(`${gw.baseURL}/classify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages, tools: [weatherTool] }) })).json();
    expect(classified.chain[0]).toBe('y/tool');

    await y.close();
    const third = await client.chat.completions.create({ model: 'router', messages, tools: [weatherTool] }).withResponse();
    expect(third.response.headers.get('x-router-model')).toBe('z/tool');
    expect(third.response.headers.get('x-router-attempts')).toBe('3');
    expect(third.data.choices[0].message.content).toBe('The weather is sunny.');
  });
});

describe('tool-loop stickiness and the operator', () => {
  it('does not send a loop back to a target the operator has taken out of every chain', async () => {
    const a = await startFakeOpenAI();
    const b = await startFakeOpenAI();
    const other = await startGateway({
      routerConfig: { providers: { a: { type: 'openai', baseURL: a.baseURL }, b: { type: 'openai', baseURL: b.baseURL } } },
      chains: { tools: ['a/tool', 'b/tool'] },
    });
    try {
      const client = other.client();
      const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris? Use the tool.' }];
      const first = await client.chat.completions.create({ model: 'router/tools', messages, tools: [weatherTool] });
      const call = first.choices[0].message.tool_calls![0];
      messages.push({ role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: call.id, content: 'rain' });
      const res = await fetch(`${other.url}/config/model-mapping`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ category: 'tools', models: ['b/tool'] }) });
      expect(res.status).toBe(200);
      const second = await client.chat.completions.create({ model: 'router/tools', messages, tools: [weatherTool] }).withResponse();
      expect(second.response.headers.get('x-router-model')).toBe('b/tool');
      expect(a.calls('tool')).toBe(1);
    } finally {
      await other.close();
      await a.close();
      await b.close();
    }
  });
});
