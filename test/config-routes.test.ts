// The configuration over REST, end to end: admin auth, validation, create/update/delete of
// categories, the audit trail, reload of categories/, pricing/ and ROUTER_CONFIG, GET /providers,
// and every change surviving a restart.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { fakeKeys, fakeProviders, startGateway, type RunningGateway } from './support/start-gateway.ts';

const KEY = 'config-admin';
let upstream: FakeUpstream;
let gw: RunningGateway;

const options = () => ({
  routerConfig: fakeProviders({ primary: upstream.baseURL }),
  env: { ...fakeKeys(['primary']), ROUTER_ADMIN_KEY: KEY },
  chains: { conversation: ['primary/text'] },
  pricing: { primary: { text: { input: 2, output: 10 } } },
});

function call(method: string, route: string, body?: unknown, key: string | null = KEY): Promise<Response> {
  return fetch(`${gw.url}${route}`, {
    method,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function ask(model: string): Promise<{ status: number; content?: string; category: string | null; target: string | null; id: string | null }> {
  const res = await fetch(`${gw.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }] }),
  });
  const body = await res.json();
  return { status: res.status, content: body.choices?.[0]?.message?.content, category: res.headers.get('x-router-category'), target: res.headers.get('x-router-model'), id: res.headers.get('x-request-id') };
}

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  gw = await startGateway(options());
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

describe('admin auth', () => {
  it('guards every configuration route', async () => {
    for (const [method, route] of [
      ['GET', '/config'],
      ['POST', '/config/category'],
      ['DELETE', '/config/category/anything'],
      ['POST', '/config/reload'],
      ['GET', '/config/audit'],
      ['GET', '/providers'],
      ['GET', '/circuit-breaker'],
    ]) {
      const res = await call(method, route, method === 'POST' ? {} : undefined, null);
      expect(res.status, `${method} ${route}`).toBe(401);
      expect((await res.json()).error.code).toBe('invalid_admin_key');
      expect((await call(method, route, method === 'POST' ? {} : undefined, 'wrong')).status, `${method} ${route}`).toBe(401);
    }
  });
});

describe('GET /config', () => {
  it('shows categories, providers without keys, breaker options and events, pricing', async () => {
    const res = await call('GET', '/config');
    expect(res.status).toBe(200);
    const config = await res.json();
    expect(config.categories.find((c: any) => c.name === 'conversation')).toMatchObject({ chain: ['primary/text'], description: expect.any(String), keywords: expect.any(Array) });
    expect(config.providers.find((p: any) => p.name === 'primary')).toEqual({ name: 'primary', type: 'openai', base_url: upstream.baseURL, configured: true, env: ['PRIMARY_KEY'] });
    expect(config.providers.find((p: any) => p.name === 'openai')).toMatchObject({ configured: false });
    expect(config.breaker).toMatchObject({ errorThresholdPercentage: 50, volumeThreshold: 5, resetTimeout: 30000, attempt_timeout_ms: 120000, overrides: {}, states: [], events: [] });
    const openai = config.pricing.find((p: any) => p.provider === 'openai');
    expect(openai.source).toMatch(/^https:\/\//);
    expect(openai.models['gpt-4o']).toEqual({ input: 2.5, cached_input: 1.25, output: 10 });
    expect(config.classifier).toMatchObject({ mode: 'keyword', toolsPolicy: 'auto' });
    expect(config.auth).toEqual({ admin_key: true, client_keys: 0 });
    expect(JSON.stringify(config)).not.toContain('test-key');
    expect(JSON.stringify(config)).not.toContain(KEY);
  });
});

describe('POST /config/category and DELETE /config/category/{name}', () => {
  const summarize = {
    name: 'summarize',
    description: 'Condense a text',
    keywords: ['tl;dr', { term: 'summary', weight: 3 }, { pattern: '\\bsummari[sz]e\\b', weight: 20 }],
    models: ['primary/text:short', 'primary/text'],
  };

  it('creates a category that the next request can use, by name and by classification', async () => {
    const res = await call('POST', '/config/category', summarize);
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ created: true, previous: null, category: { name: 'summarize', chain: summarize.models } });

    expect(await ask('router/summarize')).toMatchObject({ status: 200, content: 'short', category: 'summarize', target: 'primary/text:short' });
    const classified = await (
      await fetch(`${gw.baseURL}/classify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: 'Please summarize this article for me' }] }) })
    ).json();
    expect(classified).toMatchObject({ category: 'summarize', chain: summarize.models });
    const models = await (await fetch(`${gw.baseURL}/models`)).json();
    expect(models.data.map((m: any) => m.id)).toContain('router/summarize');
  });

  it('updates a category, keeping the description and keywords a request leaves out', async () => {
    const res = await call('POST', '/config/category', { name: 'summarize', models: ['primary/text:shorter'] });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ created: false, previous: { chain: summarize.models } });
    expect(body.category).toEqual({ name: 'summarize', description: summarize.description, keywords: summarize.keywords, chain: ['primary/text:shorter'] });
    expect((await ask('router/summarize')).content).toBe('shorter');
  });

  it('changes a built-in category too', async () => {
    const res = await call('POST', '/config/category', { name: 'code', models: ['primary/text:coder'] });
    expect(res.status).toBe(200);
    expect((await ask('router/code')).content).toBe('coder');
  });

  it('rejects what it cannot use, with the reason, and changes nothing', async () => {
    const cases: Array<[unknown, RegExp, string | null]> = [
      [{ ...summarize, models: ['nosuch/model'] }, /"nosuch\/model" names unknown provider "nosuch"/, 'models'],
      [{ ...summarize, models: ['primary'] }, /is not a provider\/model target/, 'models'],
      [{ ...summarize, models: [] }, /models/, 'models'],
      [{ ...summarize, name: 'Has Spaces' }, /name: a category name is/, 'name'],
      [{ ...summarize, name: 'router/x' }, /name/, 'name'],
      [{ ...summarize, name: 'direct' }, /reserved/, 'name'],
      [{ ...summarize, keywords: [{ pattern: '(unclosed', weight: 2 }] }, /pattern does not compile/, 'keywords.0.pattern'],
      [{ ...summarize, keywords: [{ term: 'x' }] }, /keywords/, 'keywords.0'],
      [{ models: ['primary/text'] }, /name/, 'name'],
    ];
    for (const [body, message, param] of cases) {
      const res = await call('POST', '/config/category', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const { error } = await res.json();
      expect(error.message, JSON.stringify(body)).toMatch(message);
      expect(error.param, JSON.stringify(body)).toBe(param);
      expect(error.type).toBe('invalid_request_error');
    }
    const bad = await fetch(`${gw.url}/config/category`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: '{"name": ' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('invalid_json');
    const config = await (await call('GET', '/config')).json();
    expect(config.categories.find((c: any) => c.name === 'summarize').chain).toEqual(['primary/text:shorter']);
  });

  it('refuses to delete a built-in category, 404s an unknown one, and deletes one that was added', async () => {
    for (const name of ['tools', 'code', 'reasoning', 'conversation']) {
      const res = await call('DELETE', `/config/category/${name}`);
      expect(res.status).toBe(400);
      expect((await res.json()).error).toMatchObject({ code: 'builtin_category', param: 'name' });
    }
    expect((await call('DELETE', '/config/category/nosuch')).status).toBe(404);

    await call('POST', '/config/category', { name: 'scratch', models: ['primary/text'] });
    const res = await call('DELETE', '/config/category/scratch');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ deleted: 'scratch', previous: { name: 'scratch', chain: ['primary/text'] } });
    const after = await ask('router/scratch');
    expect(after.status).toBe(400);
  });

  it('keeps an audit row per change: when, which route, old and new', async () => {
    const { entries } = await (await call('GET', '/config/audit?limit=4')).json();
    expect(entries).toHaveLength(4);
    expect(entries[0]).toMatchObject({ route: 'DELETE /config/category/scratch', old_value: { name: 'scratch' }, new_value: null, timestamp: expect.any(String) });
    expect(entries[1]).toMatchObject({ route: 'POST /config/category', old_value: null, new_value: { name: 'scratch' } });
    expect(entries[2]).toMatchObject({ route: 'POST /config/category', old_value: { name: 'code' }, new_value: { name: 'code', chain: ['primary/text:coder'] } });
    expect(entries[3]).toMatchObject({ route: 'POST /config/category', old_value: { chain: summarize.models }, new_value: { chain: ['primary/text:shorter'] } });
    expect((await call('GET', '/config/audit?limit=0')).status).toBe(400);
  });
});

describe('POST /config/reload', () => {
  const categoriesDir = () => path.join(gw.dir, 'categories');
  const writeCategory = (name: string, chain: string[], extra: Record<string, unknown> = {}) =>
    writeFileSync(path.join(categoriesDir(), `${name}.json`), JSON.stringify({ name, description: `${name} work`, keywords: [name], chain, ...extra }));

  it('answers what did not change when nothing did', async () => {
    const res = await call('POST', '/config/reload');
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report.changed).toBe(false);
    expect(report.categories.added).toEqual([]);
    expect(report.categories.unchanged).toEqual(expect.arrayContaining(['tools', 'reasoning', 'conversation']));
    // code was changed over REST: the file differs, SQLite's version is kept.
    expect(report.categories.kept_stored).toEqual([{ name: 'code', fields: ['chain'], stored: { chain: ['primary/text:coder'] }, file: { chain: expect.any(Array) } }]);
    expect(report.categories.only_stored).toEqual(['summarize']);
    expect(report.pricing.changes).toEqual([]);
    expect(report.router_config).toMatchObject({ changes: [], applied: false, restart_required: false });
  });

  it('adds a category from a new file, usable by the next request', async () => {
    writeCategory('translate', ['primary/text:translated']);
    const report = await (await call('POST', '/config/reload', {})).json();
    expect(report.changed).toBe(true);
    expect(report.categories.added).toEqual(['translate']);
    expect(await ask('router/translate')).toMatchObject({ status: 200, content: 'translated' });
    const { entries } = await (await call('GET', '/config/audit?limit=1')).json();
    expect(entries[0]).toMatchObject({ route: 'POST /config/reload', old_value: null, new_value: { name: 'translate' } });
  });

  it("keeps SQLite's version of a category whose file changed, and adopts the file's when asked", async () => {
    writeCategory('translate', ['primary/text:translated-v2'], { description: 'changed in the file' });
    const kept = await (await call('POST', '/config/reload')).json();
    expect(kept.categories.kept_stored.find((k: any) => k.name === 'translate')).toEqual({
      name: 'translate',
      fields: ['description', 'chain'],
      stored: { description: 'translate work', chain: ['primary/text:translated'] },
      file: { description: 'changed in the file', chain: ['primary/text:translated-v2'] },
    });
    expect((await ask('router/translate')).content).toBe('translated');

    const adopted = await (await call('POST', '/config/reload', { from_files: ['translate'] })).json();
    expect(adopted.categories.adopted).toEqual([{ name: 'translate', fields: ['description', 'chain'] }]);
    expect((await ask('router/translate')).content).toBe('translated-v2');
  });

  it('does not bring back a category deleted over REST, unless asked', async () => {
    expect((await call('DELETE', '/config/category/translate')).status).toBe(200);
    const report = await (await call('POST', '/config/reload')).json();
    expect(report.categories.stayed_deleted).toEqual([{ name: 'translate', deleted_at: expect.any(String) }]);
    expect((await ask('router/translate')).status).toBe(400);

    const restored = await (await call('POST', '/config/reload', { from_files: ['translate'] })).json();
    expect(restored.categories.added).toEqual(['translate']);
    expect((await ask('router/translate')).status).toBe(200);
  });

  it('re-reads pricing/: the next request is priced with the new figures', async () => {
    const file = path.join(gw.dir, 'pricing', 'primary.json');
    const pricing = JSON.parse(readFileSync(file, 'utf8'));
    pricing.models.text = { input: 4, output: 20 };
    pricing.models['text:new'] = { input: 1, output: 1 };
    writeFileSync(file, JSON.stringify(pricing));
    const report = await (await call('POST', '/config/reload')).json();
    expect(report.pricing.changes).toEqual([
      { model: 'primary/text', old: { input: 2, output: 10 }, new: { input: 4, output: 20 } },
      { model: 'primary/text:new', old: null, new: { input: 1, output: 1 } },
    ]);
    const { id } = await ask('primary/text');
    gw.gateway.log.flush();
    const db = new Database(gw.config.dbPath, { readonly: true });
    const row = db.prepare('SELECT cost_usd FROM requests WHERE id = ?').get(id) as { cost_usd: number };
    db.close();
    expect(row.cost_usd).toBeCloseTo((12 * 4 + 5 * 20) / 1e6, 12);
    const config = await (await call('GET', '/config')).json();
    expect(config.pricing.find((p: any) => p.provider === 'primary').models.text).toEqual({ input: 4, output: 20 });
  });

  it('says what ROUTER_CONFIG now changes, to be applied at the next restart', async () => {
    const configFile = gw.config.configFile!;
    const before = readFileSync(configFile, 'utf8');
    const changed = JSON.parse(before);
    changed.providers.spare = { type: 'openai', baseURL: 'http://127.0.0.1:9/v1' };
    changed.breaker = { volumeThreshold: 9 };
    changed.breakers = { 'primary/text': { volumeThreshold: 2 } };
    writeFileSync(configFile, JSON.stringify(changed));
    try {
      const report = await (await call('POST', '/config/reload')).json();
      expect(report.router_config.restart_required).toBe(true);
      expect(report.router_config.changes.map((c: any) => c.path)).toEqual(['providers.spare', 'breaker', 'breakers']);
      expect(report.router_config.changes[0]).toMatchObject({ running: null, file: { type: 'openai', base_url: 'http://127.0.0.1:9/v1', configured: true } });
    } finally {
      writeFileSync(configFile, before);
    }
  });

  it('applies nothing when any file is invalid, and names each problem', async () => {
    writeCategory('good', ['primary/text']);
    writeCategory('broken', ['nosuch/model']);
    writeFileSync(path.join(gw.dir, 'pricing', 'bad.json'), JSON.stringify({ provider: 'bad', source: 'x', updated: 'today', models: {} }));
    try {
      const res = await call('POST', '/config/reload');
      expect(res.status).toBe(400);
      const { error } = await res.json();
      expect(error.code).toBe('invalid_configuration');
      expect(error.problems).toEqual([
        { source: 'categories/broken.json', error: 'chain: "nosuch/model" names unknown provider "nosuch"' },
        { source: 'pricing/bad.json', error: expect.stringContaining('updated') },
      ]);
      expect((await ask('router/good')).status).toBe(400);
      expect((await call('POST', '/config/reload', { from_files: ['nope'] })).status).toBe(400);
      expect((await call('POST', '/config/reload', { surprise: true })).status).toBe(400);
    } finally {
      rmSync(path.join(categoriesDir(), 'broken.json'));
      rmSync(path.join(categoriesDir(), 'good.json'));
      rmSync(path.join(gw.dir, 'pricing', 'bad.json'));
    }
  });
});

describe('GET /providers', () => {
  it("lists each provider's type, base URL, configured, and its targets' breakers, never a key", async () => {
    for (let i = 0; i < 5; i++) await ask('primary/error:503');
    const res = await call('GET', '/providers');
    expect(res.status).toBe(200);
    const { providers } = await res.json();
    const primary = providers.find((p: any) => p.name === 'primary');
    expect(primary).toMatchObject({ type: 'openai', base_url: upstream.baseURL, configured: true, breakers: { open: 1 } });
    expect(primary.targets.find((t: any) => t.target === 'primary/error:503')).toMatchObject({ state: 'open', failures: 5, categories: [] });
    expect(primary.targets.find((t: any) => t.target === 'primary/text:shorter')).toMatchObject({ state: 'closed', categories: ['summarize'] });
    const openrouter = providers.find((p: any) => p.name === 'openrouter');
    expect(openrouter).toMatchObject({ type: 'openai', base_url: 'https://openrouter.ai/api/v1', configured: false, env: ['OPENROUTER_API_KEY'] });
    expect(openrouter.targets.map((t: any) => t.target)).toContain('openrouter/moonshotai/kimi-k2.5');
    expect(JSON.stringify(providers)).not.toContain('test-key');

    const breakers = await (await call('GET', '/circuit-breaker')).json();
    expect(breakers.events).toContainEqual(expect.objectContaining({ target: 'primary/error:503', state: 'open' }));
    const config = await (await call('GET', '/config')).json();
    expect(config.breaker.events[0]).toMatchObject({ target: 'primary/error:503', state: 'open' });
  });
});

describe('after a restart', () => {
  it('keeps every change made over REST and by reload', async () => {
    await gw.stop();
    gw = await startGateway({ ...options(), dir: gw.dir });
    const config = await (await call('GET', '/config')).json();
    const byName = Object.fromEntries(config.categories.map((c: any) => [c.name, c]));
    expect(byName.summarize.chain).toEqual(['primary/text:shorter']);
    expect(byName.code.chain).toEqual(['primary/text:coder']);
    expect(byName.translate.chain).toEqual(['primary/text:translated-v2']);
    expect(byName.scratch).toBeUndefined();
    expect((await ask('router/summarize')).content).toBe('shorter');
    const { entries } = await (await call('GET', '/config/audit?limit=100')).json();
    expect(entries.length).toBeGreaterThanOrEqual(10);
  });
});
