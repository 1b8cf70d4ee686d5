// The request's own deadline (ROUTER_REQUEST_TIMEOUT_MS) bounds the whole walk, whatever the
// per-attempt timeout allows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { startGateway, type RunningGateway } from './support/start-gateway.ts';

let upstream: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  gw = await startGateway({
    routerConfig: { providers: { fake: { type: 'openai', baseURL: upstream.baseURL } }, attemptTimeoutMs: 10_000 },
    env: { ROUTER_REQUEST_TIMEOUT_MS: '300' },
    chains: { conversation: ['fake/slow:2000', 'fake/text'] },
  });
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

describe('request deadline', () => {
  it('answers 504 when the deadline passes before any target answered, without trying the rest', async () => {
    const started = Date.now();
    const res = await fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'router/conversation', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(res.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(1500);
    expect((await res.json()).error).toMatchObject({ code: 'request_timeout', type: 'upstream_error' });
    expect(upstream.calls('text')).toBe(0);
  });
});
