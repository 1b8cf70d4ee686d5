// The built-in openrouter provider: its key and attribution headers at OpenRouter's path (its usage.cost and error metadata are covered by the conformance suite).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { startGateway, type RunningGateway } from './support/start-gateway.ts';

let upstream: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  upstream = await startFakeOpenAI({ pathPrefix: '/api/v1' });
  gw = await startGateway({
    env: { OPENROUTER_API_KEY: 'or-key', OPENROUTER_BASE_URL: upstream.baseURL, OPENROUTER_REFERER: 'https://agents.example.com', OPENROUTER_TITLE: 'Agent fleet' },
  });
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

describe('the openrouter provider', () => {
  it('sends its key and the configured HTTP-Referer and X-Title headers, at OpenRouter’s path', async () => {
    const answer = await gw.client().chat.completions.create({ model: 'openrouter/text', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0].message.content).toBe('Hello from text');
    const sent = upstream.requests.at(-1)!;
    expect(sent.path).toBe('/api/v1/chat/completions');
    expect(sent.headers.authorization).toBe('Bearer or-key');
    expect(sent.headers['http-referer']).toBe('https://agents.example.com');
    expect(sent.headers['x-title']).toBe('Agent fleet');
  });
});
