// A client that asked for `stream_options.include_usage` gets a usage chunk even when the upstream
// reported no usage: the gateway's estimate, marked `estimated: true`, read here through the openai SDK.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { fakeKeys, fakeProviders, startGateway, type RunningGateway } from './support/start-gateway.ts';

describe('the estimated usage chunk', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    gw = await startGateway({ routerConfig: fakeProviders({ primary: upstream.baseURL }), env: fakeKeys(['primary']) });
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('sends the estimate in the usage chunk when the upstream sent none', async () => {
    const stream = await gw.client().chat.completions.create({ model: 'primary/nousage', messages: [{ role: 'user', content: 'hello there' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    const usages: Array<Record<string, unknown>> = [];
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usages.push(chunk.usage as unknown as Record<string, unknown>);
    }
    expect(text).toBe('Hello from nousage');
    expect(usages).toHaveLength(1);
    expect(usages[0]).toMatchObject({ estimated: true, completion_tokens: Math.ceil('Hello from nousage'.length / 4) });
    expect(usages[0].total_tokens).toBe((usages[0].prompt_tokens as number) + (usages[0].completion_tokens as number));
  });

  it('sends no usage chunk when the client did not ask for one', async () => {
    const stream = await gw.client().chat.completions.create({ model: 'primary/nousage', messages: [{ role: 'user', content: 'hi' }], stream: true });
    for await (const chunk of stream) expect(chunk.usage ?? null).toBeNull();
  });
});
