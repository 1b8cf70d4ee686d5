// Answers clients can act on: a 503/502 for targets held back (open breaker, 429 cool-down) carries
// Retry-After with the soonest time one is callable; a breaker reset answers 404 when there is
// nothing to reset and clears the rolling failure window; error texts name what is true.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { fakeKeys, startGateway, type RunningGateway } from './support/start-gateway.ts';

const hi: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hello' }];

describe('Retry-After, breaker resets and error texts', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;
  const chat = (model: string) => fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: hi }) });
  const reset = (target: string) => fetch(`${gw.url}/circuit-breaker/reset/${target}`, { method: 'POST' });

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    gw = await startGateway({
      routerConfig: {
        providers: {
          flaky: { type: 'openai', baseURL: upstream.baseURL, apiKeyEnv: 'FLAKY_KEY' },
          // Declared, with its key variable unset: not configured.
          spare: { type: 'openai', baseURL: upstream.baseURL, apiKeyEnv: 'SPARE_KEY_UNSET' },
        },
        breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeout: 60_000 },
      },
      env: { ...fakeKeys(['flaky']) },
      chains: { conversation: ['flaky/error:503'] },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('answers 503 with Retry-After up to the breaker reset time once the only target is open; the openai SDK sees it', async () => {
    for (let i = 0; i < 2; i++) {
      const failed = await chat('router/conversation');
      expect(failed.status).toBe(502);
      // The target failed but may be called again at once: no promise of a time.
      expect(failed.headers.get('retry-after')).toBeNull();
    }
    // The third failure opens the breaker: the 502 already says when the target is callable again.
    const opening = await chat('router/conversation');
    expect(opening.status).toBe(502);
    expect(Number(opening.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
    const res = await chat('router/conversation');
    expect(res.status).toBe(503);
    const seconds = Number(res.headers.get('retry-after'));
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(60);

    const error = await gw
      .client()
      .chat.completions.create({ model: 'router/conversation', messages: hi })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(Number((error as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after'))).toBeLessThanOrEqual(60);
  });

  it('a reset closes the breaker and forgets its failures: the next single failure does not reopen it', async () => {
    expect((await reset('flaky/error:503')).status).toBe(200);
    const before = upstream.calls('error:503');
    expect((await chat('router/conversation')).status).toBe(502);
    // Before the fix the window still held three failures, and this one reopened the breaker at once.
    expect((await chat('router/conversation')).status).toBe(502);
    expect(upstream.calls('error:503')).toBe(before + 2);
    const states = (await (await fetch(`${gw.url}/circuit-breaker`)).json()).breakers;
    expect(states.find((b: any) => b.target === 'flaky/error:503')).toMatchObject({ state: 'closed', failures: 2 });
  });

  it('answers 503 with the Retry-After a 429 asked for while its target cools down', async () => {
    // The upstream's 429 fails the only target (502), which then cools down: both answers carry the time.
    const first = await chat('flaky/error:429:120');
    expect(first.status).toBe(502);
    expect(Number(first.headers.get('retry-after'))).toBeGreaterThan(60);
    const cooling = await chat('flaky/error:429:120');
    expect(cooling.status).toBe(503);
    const seconds = Number(cooling.headers.get('retry-after'));
    expect(seconds).toBeGreaterThan(60);
    expect(seconds).toBeLessThanOrEqual(120);
    // A cool-down alone is something to reset.
    expect((await reset('flaky/error:429:120')).status).toBe(200);
  });

  it('answers 404 for a reset of a target with no breaker and no cool-down', async () => {
    const res = await reset('flaky/never-called');
    expect(res.status).toBe(404);
    expect((await res.json()).error).toMatchObject({ type: 'not_found_error', code: 'no_breaker' });
    expect((await reset('nosuch/model')).status).toBe(404);
  });

  it('lists only configured providers for an unknown one', async () => {
    const res = await chat('nosuch/model');
    expect(res.status).toBe(400);
    const message: string = (await res.json()).error.message;
    expect(message).toMatch(/^unknown provider "nosuch"; configured providers: flaky$/);
  });

  it('does not speak of a category "direct" when a provider/model request cannot be served', async () => {
    const res = await chat('spare/some-model');
    expect(res.status).toBe(503);
    const message: string = (await res.json()).error.message;
    expect(message).not.toContain('category');
    expect(message).toContain('provider spare is not configured: configure spare (SPARE_KEY_UNSET)');
  });
});
