// What a request costs, as recorded: from the provider's usage and pricing/, from the upstream's
// own figure, or estimated (and flagged) when the upstream reported no usage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { fakeKeys, fakeProviders, startGateway, type RunningGateway } from './support/start-gateway.ts';

let upstream: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  gw = await startGateway({
    routerConfig: fakeProviders({ primary: upstream.baseURL }),
    env: fakeKeys(['primary']),
    pricing: { primary: { text: { input: 2, cached_input: 0.5, output: 10 }, nousage: { input: 2, output: 10 } } },
  });
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

function row(id: string | null): Record<string, any> {
  gw.gateway.log.flush();
  const db = new Database(gw.config.dbPath, { readonly: true });
  const found = db.prepare('SELECT * FROM requests WHERE id = ?').get(id) as Record<string, any>;
  db.close();
  return found;
}

describe('request cost', () => {
  it('prices the reported usage per 1M tokens', async () => {
    const { response } = await gw.client().chat.completions.create({ model: 'primary/text', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    const r = row(response.headers.get('x-request-id'));
    // 12 prompt tokens at $2/M + 5 completion tokens at $10/M
    expect(r).toMatchObject({ prompt_tokens: 12, completion_tokens: 5, cost_source: 'pricing', usage_estimated: 0 });
    expect(r.cost_usd).toBeCloseTo((12 * 2 + 5 * 10) / 1e6, 12);
  });

  it('estimates tokens from text length when the upstream reports no usage, and says so', async () => {
    const content = 'x'.repeat(400);
    const { response } = await gw.client().chat.completions.create({ model: 'primary/nousage:a reply of about forty characters, yes.', messages: [{ role: 'user', content }] }).withResponse();
    const r = row(response.headers.get('x-request-id'));
    expect(r.usage_estimated).toBe(1);
    expect(r.prompt_tokens).toBeGreaterThanOrEqual(100);
    expect(r.completion_tokens).toBe(10);
    // The model name carries the reply, so this target has no price: tokens estimated, cost unknown.
    expect(r).toMatchObject({ cost_usd: null, cost_source: 'unpriced' });
  });

  it('estimates a streamed answer without usage from the text it carried', async () => {
    const stream = await gw.client().chat.completions.create({ model: 'primary/nousage', messages: [{ role: 'user', content: 'hello' }], stream: true }).withResponse();
    for await (const _ of stream.data);
    const r = row(stream.response.headers.get('x-request-id'));
    expect(r).toMatchObject({ usage_estimated: 1, cost_source: 'estimated', stream: 1 });
    expect(r.completion_tokens).toBe(Math.ceil('Hello from nousage'.length / 4));
    expect(r.cost_usd).toBeGreaterThan(0);
  });
});
