// A client's model id reaches upstream URL paths, headers and the log: findings 4 and 11 of issue 9.
// Through the real server with the openai SDK, against a fake Gemini API and a hostile OpenAI host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startFakeGoogle, type FakeGoogle } from './support/fake-google-upstream.ts';
import { startHostileUpstream, type HostileUpstream } from './support/hostile-upstream.ts';
import { startGateway, type RunningGateway } from './support/start-gateway.ts';

let google: FakeGoogle;
let openaiHost: HostileUpstream;
let gw: RunningGateway;
let client: OpenAI;

beforeAll(async () => {
  google = await startFakeGoogle();
  openaiHost = await startHostileUpstream();
  gw = await startGateway({
    routerConfig: {
      providers: {
        gemini: { type: 'google', baseURL: google.url, apiKeyEnv: 'GEMINI_TEST_KEY' },
        host: { type: 'openai', baseURL: openaiHost.baseURL, apiKeyEnv: 'HOST_KEY' },
      },
    },
    env: { GEMINI_TEST_KEY: 'gemini-path-test-key', HOST_KEY: 'host-key-123456' },
  });
  client = gw.client();
});

afterAll(async () => {
  await gw?.close();
  await google?.close();
  await openaiHost?.close();
});

async function statusOf(model: string, stream = false): Promise<number> {
  try {
    if (stream) {
      for await (const _ of await client.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: 'hi' }] }));
    } else await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
    return 200;
  } catch (error) {
    if (error instanceof OpenAI.APIError && error.status) return error.status;
    throw error;
  }
}

describe('a model id that would leave the Gemini model path', () => {
  it('is refused with 400 and nothing reaches the upstream host, plain or streamed', async () => {
    const before = google.paths.length;
    expect(await statusOf('gemini/../../../admin/x?y=1#')).toBe(400);
    expect(await statusOf('gemini/../../../admin/x?y=1#', true)).toBe(400);
    expect(await statusOf('gemini/models/../../v1beta/files')).toBe(400);
    expect(google.paths.slice(before)).toEqual([]);
  });

  it('is not held against the target: its breaker stays closed and real ids still work', async () => {
    for (let i = 0; i < 6; i++) await statusOf(`gemini/..%2F..%2Fadmin${i}`);
    const answer = await client.chat.completions.create({ model: 'gemini/text', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0].message.content).toBe('Hello from text');
    const breakers = (await (await fetch(`${gw.url}/circuit-breaker`)).json()) as { breakers: Array<{ target: string; state: string }> };
    expect(breakers.breakers.filter((b) => b.state !== 'closed')).toEqual([]);
  });
});

describe('a model id with characters no header can carry', () => {
  it.each([
    ['CR LF', 'host/gpt\r\nx-injected: 1'],
    ['NUL', 'host/gpt\u0000'],
    ['non-Latin-1', 'host/gpt-☃'],
    ['too long', `host/${'a'.repeat(300)}`],
  ])('(%s) is a 400 before any upstream call', async (_, model) => {
    const before = openaiHost.calls();
    expect(await statusOf(model)).toBe(400);
    expect(await statusOf(model, true)).toBe(400);
    expect(openaiHost.calls()).toBe(before);
  });
});
