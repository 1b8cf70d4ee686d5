// Configuration as code and model aliases: ROUTER_CONFIG declares categories, aliases and classifier
// settings; at start they are written to the store with an audit row; REST edits work until the
// next start, which applies the file again; GET /config says where each category came from. An
// application sending `model: "gpt-4o"` is served through its alias, and every id /v1/models
// lists can be retrieved with the openai SDK.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { fakeKeys, startGateway, type RunningGateway } from './support/start-gateway.ts';

const hi: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hello' }];

describe('ROUTER_CONFIG categories, aliases and classifier settings', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;
  let routerConfig: Record<string, unknown>;
  const post = (path: string, body: unknown) => fetch(`${gw.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const config = async () => (await fetch(`${gw.url}/config`)).json();
  const category = async (name: string) => (await config()).categories.find((c: any) => c.name === name);
  const audit = async () => (await (await fetch(`${gw.url}/config/audit?limit=1000`)).json()).entries as any[];

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    routerConfig = {
      providers: { primary: { type: 'openai', baseURL: upstream.baseURL, apiKeyEnv: 'PRIMARY_KEY' } },
      categories: {
        // Only the chain: description and keywords stay those of categories/code.json.
        code: { chain: ['primary/text:from-config'] },
        translation: { description: 'Translating text between languages', keywords: ['translate', { term: 'in french', weight: 2 }], chain: ['primary/text:translation'] },
      },
      aliases: { 'gpt-4o': 'router/code', 'gpt-3.5-turbo': 'primary/text:cheap', translator: 'router/translation' },
      classifier: { toolsPolicy: 'present' },
    };
    gw = await startGateway({ routerConfig, env: fakeKeys(['primary']), chains: { conversation: ['primary/text'] } });
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('applies what the file declares at start, with audit rows, and GET /config says where each category came from', async () => {
    const shown = await config();
    const code = shown.categories.find((c: any) => c.name === 'code');
    expect(code).toMatchObject({ source: 'ROUTER_CONFIG', chain: ['primary/text:from-config'] });
    expect(code.description).toMatch(/^Programming work/);
    expect(code.keywords.length).toBeGreaterThan(100);
    expect(shown.categories.find((c: any) => c.name === 'translation')).toMatchObject({ source: 'ROUTER_CONFIG', description: 'Translating text between languages' });
    expect(shown.categories.find((c: any) => c.name === 'conversation').source).toBe('file');
    expect(shown.aliases).toEqual([
      { name: 'gpt-3.5-turbo', to: 'primary/text:cheap', source: 'ROUTER_CONFIG' },
      { name: 'gpt-4o', to: 'router/code', source: 'ROUTER_CONFIG' },
      { name: 'translator', to: 'router/translation', source: 'ROUTER_CONFIG' },
    ]);
    expect(shown.classifier.toolsPolicy).toBe('present');
    const routes = (await audit()).filter((e) => e.route === 'ROUTER_CONFIG (start)');
    expect(routes.map((e) => e.new_value?.name ?? (Array.isArray(e.new_value) ? 'aliases' : 'classifier')).sort()).toEqual(['aliases', 'classifier', 'code', 'translation']);
  });

  it('serves a bare model name through its alias: to a category, or to one target', async () => {
    const client = gw.client();
    const viaCategory = await client.chat.completions.create({ model: 'gpt-4o', messages: hi }).withResponse();
    expect(viaCategory.response.headers.get('x-router-category')).toBe('code');
    expect(viaCategory.response.headers.get('x-router-model')).toBe('primary/text:from-config');
    const viaTarget = await client.chat.completions.create({ model: 'gpt-3.5-turbo', messages: hi }).withResponse();
    expect(viaTarget.response.headers.get('x-router-model')).toBe('primary/text:cheap');
    expect(viaTarget.response.headers.get('x-router-category')).toBe('direct');
    const log = (await (await fetch(`${gw.url}/metrics`)).json()).recent_requests;
    expect(log[0]).toMatchObject({ requested_model: 'gpt-3.5-turbo', target: 'primary/text:cheap' });
  });

  it('lists the aliases in /v1/models and retrieves every listed id with the openai SDK; an unknown id is a 404', async () => {
    const client = gw.client();
    const listed = (await client.models.list()).data;
    const ids = listed.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['router', 'auto', 'router/code', 'router/translation', 'gpt-4o', 'translator', 'primary/text:from-config']));
    for (const id of ids) expect((await client.models.retrieve(id)).id).toBe(id);
    expect(await client.models.retrieve('gpt-4o')).toMatchObject({ object: 'model', owned_by: 'router', alias_of: 'router/code' });
    const missing = await client.models.retrieve('gpt-5-nonexistent').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).error).toMatchObject({ type: 'invalid_request_error', code: 'model_not_found' });
  });

  it('takes aliases over /config/alias, validated and audited, and deletes them', async () => {
    const created = await post('/config/alias', { name: 'claude-3-haiku', to: 'primary/text:haiku' });
    expect(created.status).toBe(201);
    expect((await gw.client().chat.completions.create({ model: 'claude-3-haiku', messages: hi }).withResponse()).response.headers.get('x-router-model')).toBe('primary/text:haiku');
    expect((await audit())[0]).toMatchObject({ route: 'POST /config/alias' });

    for (const [body, param] of [
      [{ name: 'bad', to: 'router/nosuch' }, 'to'],
      [{ name: 'bad', to: 'nosuch/model' }, 'to'],
      [{ name: 'has/slash', to: 'router/code' }, 'name'],
      [{ name: 'router', to: 'router/code' }, 'name'],
      [{ name: 'bad', to: 'router/code', extra: 1 }, null],
    ] as const) {
      const res = await post('/config/alias', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json()).error.param).toBe(param);
    }

    // A category an alias points to cannot be deleted from under it.
    expect((await post('/config/category', { name: 'scratch', chain: ['primary/text'] })).status).toBe(201);
    expect((await post('/config/alias', { name: 'scratchy', to: 'router/scratch' })).status).toBe(201);
    const refused = await fetch(`${gw.url}/config/category/scratch`, { method: 'DELETE' });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error).toMatchObject({ code: 'category_in_use', message: expect.stringContaining('alias scratchy') });
    expect((await fetch(`${gw.url}/config/alias/scratchy`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(`${gw.url}/config/category/scratch`, { method: 'DELETE' })).status).toBe(200);

    const deleted = await fetch(`${gw.url}/config/alias/claude-3-haiku`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    const gone = await gw.client().chat.completions.create({ model: 'claude-3-haiku', messages: hi }).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(OpenAI.BadRequestError);
    expect((await fetch(`${gw.url}/config/alias/claude-3-haiku`, { method: 'DELETE' })).status).toBe(404);
  });

  it('keeps REST edits until the next start, which applies the file again; what the file does not declare keeps its REST version', async () => {
    expect((await post('/config/category', { name: 'code', chain: ['primary/text:rest'] })).status).toBe(200);
    expect((await post('/config/category', { name: 'reasoning', chain: ['primary/text:rest-reasoning'] })).status).toBe(200);
    expect((await post('/config/alias', { name: 'gpt-4o', to: 'router/reasoning' })).status).toBe(200);
    expect((await post('/config/alias', { name: 'my-model', to: 'router/reasoning' })).status).toBe(201);
    expect((await post('/config/classifier', { toolsPolicy: 'auto', hybridThreshold: 0.3 })).status).toBe(200);
    expect((await config()).classifier).toMatchObject({ toolsPolicy: 'auto', hybridThreshold: 0.3 });
    expect(await category('code')).toMatchObject({ source: 'REST', chain: ['primary/text:rest'] });
    const served = await gw.client().chat.completions.create({ model: 'router/code', messages: hi }).withResponse();
    expect(served.response.headers.get('x-router-model')).toBe('primary/text:rest');

    await gw.stop();
    gw = await startGateway({ dir: gw.dir, routerConfig, env: fakeKeys(['primary']), chains: { conversation: ['primary/text'] } });
    expect(await category('code')).toMatchObject({ source: 'ROUTER_CONFIG', chain: ['primary/text:from-config'] });
    expect(await category('reasoning')).toMatchObject({ source: 'REST', chain: ['primary/text:rest-reasoning'] });
    const aliases = (await config()).aliases;
    expect(aliases).toContainEqual({ name: 'gpt-4o', to: 'router/code', source: 'ROUTER_CONFIG' });
    expect(aliases).toContainEqual({ name: 'my-model', to: 'router/reasoning', source: 'REST' });
    // The file declares toolsPolicy only: that setting is the file's again, the other keeps its REST value.
    expect((await config()).classifier).toMatchObject({ toolsPolicy: 'present', hybridThreshold: 0.3 });

    // A third start with nothing changed writes nothing.
    const before = (await audit()).length;
    await gw.stop();
    gw = await startGateway({ dir: gw.dir, routerConfig, env: fakeKeys(['primary']), chains: { conversation: ['primary/text'] } });
    expect((await audit()).length).toBe(before);
    expect((await category('code')).source).toBe('ROUTER_CONFIG');
  });
});

describe('ROUTER_CONFIG declarations that cannot be applied stop the start', () => {
  const base = { providers: { primary: { type: 'openai', baseURL: 'http://127.0.0.1:9/v1', apiKeyEnv: 'PRIMARY_KEY' } } };
  it.each([
    ['an alias to an unknown category', { aliases: { 'gpt-4o': 'router/nosuch' } }, /aliases\.gpt-4o: "router\/nosuch" names unknown category "nosuch"/],
    ['a category chain on an unknown provider', { categories: { code: { chain: ['nosuch/model'] } } }, /categories\.code\.chain: "nosuch\/model" names unknown provider "nosuch"/],
    ['a misspelt key inside a category', { categories: { code: { chian: ['primary/text'] } } }, /categories\.code\.chian: unknown key; did you mean chain\?/],
    ['an alias containing a slash', { aliases: { 'openai/gpt-4o': 'router/code' } }, /aliases\.openai\/gpt-4o: an alias is/],
    ['a classifier setting out of range', { classifier: { hybridThreshold: 3 } }, /classifier\.hybridThreshold/],
  ])('%s', async (_name, extra, message) => {
    await expect(startGateway({ routerConfig: { ...base, ...extra }, env: fakeKeys(['primary']) })).rejects.toThrow(message);
  });
});
