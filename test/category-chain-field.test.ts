// One name for one thing: a category's chain is `chain` in GET /config, in categories/*.json and
// in what POST /config/category and /config/model-mapping take (`models` stays an alias), so what
// GET returns can be posted back as it is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { fakeKeys, fakeProviders, startGateway, type RunningGateway } from './support/start-gateway.ts';

describe('the chain field over REST', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;
  const post = (path: string, body: unknown) => fetch(`${gw.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const category = async (name: string) => (await (await fetch(`${gw.url}/config`)).json()).categories.find((c: any) => c.name === name);

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    gw = await startGateway({ routerConfig: fakeProviders({ primary: upstream.baseURL }), env: fakeKeys(['primary']), chains: { reasoning: ['primary/text'] } });
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('takes back what GET /config returned, with a changed chain', async () => {
    const fetched = await category('reasoning');
    const res = await post('/config/category', { ...fetched, chain: ['primary/text:edited'] });
    expect(res.status).toBe(200);
    expect((await res.json()).category.chain).toEqual(['primary/text:edited']);
    // The definition is now the REST call's, and GET /config says so.
    expect(fetched.source).toBe('file');
    expect(await category('reasoning')).toEqual({ ...fetched, chain: ['primary/text:edited'], source: 'REST' });
  });

  it('still takes models as an alias, on both routes', async () => {
    expect((await post('/config/category', { name: 'legacy', models: ['primary/text'] })).status).toBe(201);
    expect((await category('legacy')).chain).toEqual(['primary/text']);
    const mapped = await post('/config/model-mapping', { category: 'legacy', models: ['primary/text:two'] });
    expect(mapped.status).toBe(200);
    expect(await mapped.json()).toMatchObject({ category: 'legacy', chain: ['primary/text:two'], previous: ['primary/text'] });
    expect((await post('/config/model-mapping', { category: 'legacy', chain: ['primary/text:three'] })).status).toBe(200);
    expect((await category('legacy')).chain).toEqual(['primary/text:three']);
  });

  it('answers 400 naming the field when the chain is missing, conflicting or names an unknown provider', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ name: 'nochain' }, 'chain', /a chain is required/],
      [{ name: 'both', chain: ['primary/a'], models: ['primary/b'] }, 'models', /differ/],
      [{ name: 'bad', chain: ['nosuch/model'] }, 'chain', /unknown provider "nosuch"/],
      [{ name: 'bad', models: ['nosuch/model'] }, 'models', /unknown provider "nosuch"/],
    ];
    for (const [body, param, message] of cases) {
      const res = await post('/config/category', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const { error } = await res.json();
      expect(error.param, JSON.stringify(body)).toBe(param);
      expect(error.message).toMatch(message);
    }
  });
});
