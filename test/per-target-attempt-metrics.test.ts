// /metrics counts every attempt at every target, not only the target that finally served: a target
// that failed on every attempt appears with its errors by kind, the requests its open breaker
// refused, and its own attempt times.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { fakeKeys, fakeProviders, startGateway, type RunningGateway } from './support/start-gateway.ts';

let upstream: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  gw = await startGateway({
    routerConfig: fakeProviders({ primary: upstream.baseURL }),
    env: { ...fakeKeys(['primary']), ROUTER_ADMIN_KEY: 'admin' },
    chains: { conversation: ['primary/error:503', 'primary/text'] },
  });
  const client = gw.client();
  // Five 503s open the first target's breaker (volumeThreshold 5); the next three are refused without a call.
  for (let i = 0; i < 8; i++) await client.chat.completions.create({ model: 'router/conversation', messages: [{ role: 'user', content: 'hello' }] });
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

describe('per-target attempt metrics', () => {
  it('shows a target that never served, with its errors by kind and the refusals of its open breaker', async () => {
    const m = await (await fetch(`${gw.url}/metrics`, { headers: { authorization: 'Bearer admin' } })).json();
    const failing = m.targets['primary/error:503'];
    expect(failing).toMatchObject({ calls: 0, breaker_state: 'open' });
    expect(failing.attempts).toMatchObject({ calls: 5, success_rate: 0, errors: { http_503: 5 }, rejects: 3, cooling_down: 0, skipped: 0 });
    expect(failing.attempts.p50_attempt_ms).toBeGreaterThan(0);
    expect(upstream.calls('error:503')).toBe(5);
  });

  it("gives the serving target its own attempt times, apart from the requests' whole time", async () => {
    const m = await (await fetch(`${gw.url}/metrics`, { headers: { authorization: 'Bearer admin' } })).json();
    const serving = m.targets['primary/text'];
    expect(serving.calls).toBe(8);
    expect(serving.attempts).toMatchObject({ calls: 8, success_rate: 1, errors: {}, rejects: 0 });
    expect(serving.attempts.p95_attempt_ms).toBeGreaterThan(0);
  });

  it('counts over ?window= too', async () => {
    const m = await (await fetch(`${gw.url}/metrics?window=1h`, { headers: { authorization: 'Bearer admin' } })).json();
    expect(m.targets['primary/error:503'].attempts.rejects).toBe(3);
  });
});
