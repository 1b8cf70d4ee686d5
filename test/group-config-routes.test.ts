// Deployment groups as configuration: ROUTER_CONFIG `groups` (strict), GET/POST/DELETE
// /config/group… (validated, stored with audit, live without a restart, surviving one), chains that
// name groups, and keys read from named environment variables that never show up anywhere.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { loadConfig } from '../service/config/gateway-config.ts';
import { startFakeDeployment, type FakeDeployment } from './support/fake-deployment-upstream.ts';
import { startGateway, type RunningGateway } from './support/start-gateway.ts';

const ADMIN = 'groups-admin';
const SECRETS = { SHARED_KEY: 'sk-base-0000-shared', KEY_ONE: 'sk-one-1111-secret', KEY_TWO: 'sk-two-2222-secret' };
let host: FakeDeployment;
let gw: RunningGateway;

const options = () => ({
  routerConfig: {
    providers: { shared: { type: 'openai', baseURL: host.baseURL, apiKeyEnv: 'SHARED_KEY' } },
    groups: { filegroup: { deployments: [{ target: 'shared/m' }] } },
  },
  env: { ...SECRETS, ROUTER_ADMIN_KEY: ADMIN },
  chains: { conversation: ['shared/m'] },
  pricing: { shared: { m: { input: 2, output: 8 } } },
});

function admin(method: string, route: string, body?: unknown, key: string | null = ADMIN): Promise<Response> {
  return fetch(`${gw.url}${route}`, {
    method,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function ask(model: string): Promise<{ status: number; served: string | null; error?: { code: string } }> {
  const res = await fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }) });
  const body = await res.json();
  return { status: res.status, served: res.headers.get('x-router-model'), error: body.error };
}

const keysGroup = {
  name: 'keys',
  strategy: 'round-robin',
  deployments: [
    { target: 'shared/m', name: 'k1', apiKeyEnv: 'KEY_ONE', weight: 2 },
    { target: 'shared/m', name: 'k2', apiKeyEnv: 'KEY_TWO', maxConcurrent: 4, breaker: { volumeThreshold: 3 } },
  ],
};

beforeAll(async () => {
  host = await startFakeDeployment('host');
  gw = await startGateway(options());
});
afterAll(async () => {
  await gw?.close();
  await host?.close();
});

describe('ROUTER_CONFIG groups', () => {
  it('serve at once, and GET /config shows them with their deployment ids', async () => {
    expect(await ask('group:filegroup')).toMatchObject({ status: 200, served: 'group:filegroup@shared/m' });
    const config = await (await admin('GET', '/config')).json();
    expect(config.groups).toEqual([{ name: 'filegroup', source: 'file', strategy: 'weighted', deployments: [{ id: 'group:filegroup@shared/m', target: 'shared/m' }] }]);
  });

  it('are checked strictly at start: a misspelt key names its path and the nearest key, an unknown provider is named', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'groups-config-'));
    const file = (content: unknown) => {
      const name = path.join(dir, `c${Math.random()}.json`);
      writeFileSync(name, JSON.stringify(content));
      return name;
    };
    const refusal = (content: unknown) => {
      try {
        loadConfig({ ROUTER_CONFIG: file(content) });
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refusal({ groups: { fast: { deployments: [{ target: 'openai/gpt-4o', wieght: 2 }] } } })).toContain('groups.fast.deployments.0.wieght: unknown key; did you mean weight?');
    expect(refusal({ groups: { fast: { stratgy: 'latency', deployments: [{ target: 'openai/gpt-4o' }] } } })).toContain('groups.fast.stratgy: unknown key; did you mean strategy?');
    expect(refusal({ groups: { fast: { strategy: 'fastest', deployments: [{ target: 'openai/gpt-4o' }] } } })).toContain('groups.fast.strategy');
    expect(refusal({ groups: { fast: { deployments: [{ target: 'nowhere/gpt-4o' }] } } })).toContain('groups.fast.deployments.0.target: "nowhere/gpt-4o" names unknown provider "nowhere"');
    expect(refusal({ groups: { 'Bad/Name': { deployments: [{ target: 'openai/gpt-4o' }] } } })).toContain('a group name is 1-64 lowercase letters');
    expect(refusal({ groups: { fast: { deployments: [{ target: 'openai/gpt-4o', name: 'k2', apiKeyEnv: 'OPENAI_KEY_2', baseURL: 'https://api.openai.com/v1' }] } } })).toBe('accepted');
  });
});

describe('POST /config/group', () => {
  it('needs the admin key and refuses what cannot run, with OpenAI-style 400s', async () => {
    expect((await admin('POST', '/config/group', keysGroup, null)).status).toBe(401);
    const refused = async (body: unknown) => {
      const res = await admin('POST', '/config/group', body);
      expect(res.status).toBe(400);
      return (await res.json()).error;
    };
    expect((await refused({ ...keysGroup, deployments: [{ target: 'nowhere/m' }] })).message).toMatch(/unknown provider "nowhere"/);
    expect((await refused({ ...keysGroup, colour: 'blue' })).message).toMatch(/colour/);
    expect((await refused({ ...keysGroup, strategy: 'fastest' })).param).toBe('strategy');
    expect((await refused({ ...keysGroup, deployments: [] })).param).toBe('deployments');
    expect((await refused({ ...keysGroup, deployments: [{ target: 'shared/m', weight: -1 }] })).param).toBe('deployments.0.weight');
    // A key may not be sent to a host chosen over /config.
    const both = await refused({ ...keysGroup, deployments: [{ target: 'shared/m', name: 'x', apiKeyEnv: 'KEY_ONE', baseURL: 'http://127.0.0.1:9/v1' }] });
    expect(both.message).toMatch(/not both/);
    expect((await refused({ ...keysGroup, deployments: [{ target: 'shared/m', name: 'x', apiKeyEnv: 'ROUTER_ADMIN_KEY' }] })).message).toMatch(/ROUTER_/);
    expect((await admin('GET', '/config/group/keys')).status).toBe(404);
  });

  it('creates a group live, whose own instances send each their own key, and a chain may then name it', async () => {
    const created = await admin('POST', '/config/group', keysGroup);
    expect(created.status).toBe(201);
    const body = await created.json();
    expect(body.group.deployments.map((d: { id: string }) => d.id)).toEqual(['group:keys@shared+k1/m', 'group:keys@shared+k2/m']);

    const before = host.keys.length;
    const served = [];
    for (let i = 0; i < 4; i++) served.push((await ask('group:keys')).served);
    expect(served).toEqual(['group:keys@shared+k1/m', 'group:keys@shared+k2/m', 'group:keys@shared+k1/m', 'group:keys@shared+k2/m']);
    expect(host.keys.slice(before)).toEqual([SECRETS.KEY_ONE, SECRETS.KEY_TWO, SECRETS.KEY_ONE, SECRETS.KEY_TWO]);

    const unknown = await admin('POST', '/config/model-mapping', { category: 'conversation', chain: ['group:nope', 'shared/m'] });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error.message).toMatch(/unknown group "nope"/);
    expect((await admin('POST', '/config/category', { name: 'pooled', chain: ['group:nope'] })).status).toBe(400);
    expect((await admin('POST', '/config/model-mapping', { category: 'conversation', chain: ['group:keys', 'shared/m'] })).status).toBe(200);
    expect((await ask('router/conversation')).served).toMatch(/^group:keys@shared\+k[12]\/m$/);
  });

  it('replaces a group with 200 and keeps the previous definition in the answer and the audit trail', async () => {
    const replaced = await admin('POST', '/config/group', { ...keysGroup, strategy: 'least-busy' });
    expect(replaced.status).toBe(200);
    const body = await replaced.json();
    expect(body).toMatchObject({ created: false, previous: { strategy: 'round-robin' }, group: { strategy: 'least-busy', source: 'stored' } });
    const detail = await (await admin('GET', '/config/group/keys')).json();
    expect(detail.live).toMatchObject({ name: 'keys', strategy: 'least-busy' });
    expect(detail.live.deployments[1]).toMatchObject({ id: 'group:keys@shared+k2/m', max_concurrent: 4 });
    const audit = await (await admin('GET', '/config/audit?limit=5')).json();
    const rows = audit.entries.filter((e: { route: string }) => e.route === 'POST /config/group');
    expect(rows.length).toBe(2);
    expect(rows[0].new_value.keys.strategy).toBe('least-busy');
    expect(rows[0].old_value.keys.strategy).toBe('round-robin');
  });

  it('never shows or stores a key: GET /config, the group routes and SQLite hold only the variables’ names', async () => {
    const texts = [await (await admin('GET', '/config')).text(), await (await admin('GET', '/config/group')).text(), await (await admin('GET', '/config/group/keys')).text(), await (await admin('GET', '/config/audit')).text(), await (await admin('GET', '/metrics')).text()];
    for (const text of texts) for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    expect(texts[1]).toContain('KEY_ONE');
    gw.gateway.log.flush();
    for (const file of readdirSync(gw.dir).filter((f) => f.startsWith('router.db'))) {
      const bytes = readFileSync(path.join(gw.dir, file)).toString('latin1');
      for (const secret of Object.values(SECRETS)) expect(bytes).not.toContain(secret);
    }
  });

  it('records the deployment that served, priced as the provider/model it serves', async () => {
    gw.gateway.log.flush();
    const db = new Database(path.join(gw.dir, 'router.db'), { readonly: true });
    try {
      const row = db.prepare("SELECT target, cost_usd, cost_source FROM requests WHERE target LIKE 'group:keys@%' LIMIT 1").get() as { target: string; cost_usd: number; cost_source: string };
      expect(row.target).toMatch(/^group:keys@shared\+k[12]\/m$/);
      expect(row).toMatchObject({ cost_source: 'pricing' });
      expect(row.cost_usd).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });
});

describe('a deployment whose key variable is not set', () => {
  it('is passed over without a call, its sibling serves, and with no sibling the answer names the variable', async () => {
    const body = { name: 'partial', strategy: 'round-robin', deployments: [{ target: 'shared/m', name: 'unset', apiKeyEnv: 'NOT_SET_ANYWHERE' }, { target: 'shared/m', name: 'k1', apiKeyEnv: 'KEY_ONE' }] };
    expect((await admin('POST', '/config/group', body)).status).toBe(201);
    const before = host.keys.length;
    for (let i = 0; i < 3; i++) expect((await ask('group:partial')).served).toBe('group:partial@shared+k1/m');
    expect(host.keys.slice(before)).toEqual([SECRETS.KEY_ONE, SECRETS.KEY_ONE, SECRETS.KEY_ONE]);
    expect((await admin('POST', '/config/group', { name: 'partial', deployments: [body.deployments[0]] })).status).toBe(200);
    const res = await fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'group:partial', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(res.status).toBe(503);
    const error = (await res.json()).error;
    expect(error.attempts[0]).toMatchObject({ target: 'group:partial@shared+unset/m', outcome: 'skipped', error: expect.stringContaining('NOT_SET_ANYWHERE') });
    expect((await admin('DELETE', '/config/group/partial')).status).toBe(200);
  });
});

describe('DELETE /config/group/:name', () => {
  it('refuses a group still in a chain, and one that lives in ROUTER_CONFIG', async () => {
    const inUse = await admin('DELETE', '/config/group/keys');
    expect(inUse.status).toBe(409);
    expect((await inUse.json()).error).toMatchObject({ code: 'group_in_use', message: expect.stringContaining('"conversation"') });
    const fromFile = await admin('DELETE', '/config/group/filegroup');
    expect(fromFile.status).toBe(409);
    expect((await admin('DELETE', '/config/group/never')).status).toBe(404);
  });

  it('removes a group once no chain names it; requests for it are then refused', async () => {
    expect((await admin('POST', '/config/model-mapping', { category: 'conversation', chain: ['shared/m'] })).status).toBe(200);
    const deleted = await admin('DELETE', '/config/group/keys');
    expect(deleted.status).toBe(200);
    expect((await deleted.json()).previous.name).toBe('keys');
    expect(await ask('group:keys')).toMatchObject({ status: 400, error: { code: 'unknown_group' } });
  });
});

describe('after a restart', () => {
  it('keeps the groups stored over /config', async () => {
    expect((await admin('POST', '/config/group', { name: 'kept', deployments: [{ target: 'shared/m', name: 'k1', apiKeyEnv: 'KEY_ONE' }] })).status).toBe(201);
    await gw.stop();
    gw = await startGateway({ ...options(), dir: gw.dir });
    const group = await (await admin('GET', '/config/group/kept')).json();
    expect(group).toMatchObject({ name: 'kept', source: 'stored' });
    const before = host.keys.length;
    expect(await ask('group:kept')).toMatchObject({ status: 200, served: 'group:kept@shared+k1/m' });
    expect(host.keys.slice(before)).toEqual([SECRETS.KEY_ONE]);
  });
});
