// ROUTER_DATABASE_URL: the gateway runs on PostgreSQL. Chats answer, /metrics and /requests read
// PostgreSQL, /config writes are stored there; a PostgreSQL that goes away mid-run does not stop
// the chats: config writes answer 503 and change nothing, the request log buffers to its bound,
// counts what it drops (/health, Prometheus), and writes what it kept once PostgreSQL is back.
import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../service/config/gateway-config.ts';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai-upstream.ts';
import { startPostgres, type PostgresServer } from '../support/postgres-server.ts';
import { fakeKeys, fakeProviders, startGateway, type RunningGateway } from '../support/start-gateway.ts';
import { until } from '../support/until.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

let server: PostgresServer;
let upstream: FakeUpstream;
const running: RunningGateway[] = [];
beforeAll(async () => {
  [server, upstream] = await Promise.all([startPostgres(), startFakeOpenAI()]);
}, 60_000);
afterEach(async () => {
  for (const gateway of running.splice(0)) await gateway.close();
});
afterAll(async () => {
  await upstream?.close();
  await server?.close();
});

async function gatewayOn(url: string, env: Record<string, string> = {}): Promise<RunningGateway> {
  const gateway = await startGateway({
    env: { ROUTER_DATABASE_URL: url, ...fakeKeys(['fake']), ...env },
    routerConfig: fakeProviders({ fake: upstream.baseURL }),
    chains: { conversation: ['fake/text:from postgres'] },
  });
  running.push(gateway);
  return gateway;
}

const admin = (gateway: RunningGateway, route: string, init: RequestInit = {}) =>
  fetch(`${gateway.url}${route}`, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });

async function chat(gateway: RunningGateway): Promise<string | null> {
  const answer = await gateway.client().chat.completions.create({ model: 'router/conversation', messages: [{ role: 'user', content: 'hello' }] });
  return answer.choices[0].message.content;
}

describe('ROUTER_DATABASE_URL', () => {
  it('is a postgres:// URL; anything else is a configuration error that never repeats it', () => {
    expect(() => loadConfig({ ROUTER_DATABASE_URL: 'mysql://router:secret@db/router' })).toThrow(ConfigError);
    expect(() => loadConfig({ ROUTER_DATABASE_URL: 'mysql://router:secret@db/router' })).toThrow(/must start with postgres:\/\/ or postgresql:\/\//);
    expect(() => loadConfig({ ROUTER_DATABASE_URL: 'secret@db/router' })).toThrow(/is not a URL/);
    for (const url of ['mysql://router:secret@db/router', 'secret@db/router']) {
      try {
        loadConfig({ ROUTER_DATABASE_URL: url });
      } catch (error) {
        expect((error as Error).message).not.toContain('secret');
      }
    }
    expect(loadConfig({ ROUTER_DATABASE_URL: 'postgresql://router@db/router' }).databaseUrl).toBe('postgresql://router@db/router');
    expect(loadConfig({ ROUTER_DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });

  it('that cannot be reached stops the real process with one line naming it, password hidden, exit code 1', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'service/main.ts')], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', PORT: '1', ROUTER_DATABASE_URL: 'postgres://router:secret@127.0.0.1:1/router' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toMatch(/cannot start: PostgreSQL store at postgres:\/\/router:\*\*\*@127\.0\.0\.1:1\/router: .*ECONNREFUSED/);
    expect(output).not.toContain('secret');
  });
});

describe('the gateway on PostgreSQL', () => {
  it('answers chats, reads /metrics and /requests from PostgreSQL, and stores /config writes there', async () => {
    const url = await server.createDatabase();
    const gateway = await gatewayOn(url);
    expect(await chat(gateway)).toBe('from postgres');

    const metrics = await (await admin(gateway, '/metrics')).json();
    expect(metrics.requests.total).toBe(1);
    expect(metrics.targets['fake/text:from postgres'].calls).toBe(1);
    const requests = await (await admin(gateway, '/requests')).json();
    expect(requests.data.map((r: { target: string }) => r.target)).toEqual(['fake/text:from postgres']);

    const saved = await admin(gateway, '/config/model-mapping', { method: 'POST', body: JSON.stringify({ category: 'conversation', chain: ['fake/text:edited'] }) });
    expect(saved.status).toBe(200);
    expect(await chat(gateway)).toBe('edited');

    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const { rows } = await db.query("SELECT definition FROM categories WHERE name = 'conversation'");
      expect(JSON.parse(rows[0].definition).chain).toEqual(['fake/text:edited']);
      const audit = await db.query('SELECT route FROM config_audit ORDER BY id DESC LIMIT 1');
      expect(audit.rows[0].route).toBe('POST /config/model-mapping');
    } finally {
      await db.end();
    }
    const trail = await (await admin(gateway, '/config/audit?limit=1')).json();
    expect(trail.entries[0].route).toBe('POST /config/model-mapping');
  });

  it('keeps answering while PostgreSQL is down: config writes are 503, log rows buffer to the bound, then are dropped and reported', async () => {
    const url = await server.createDatabase();
    const gateway = await gatewayOn(url, { ROUTER_LOG_BUFFER_ROWS: '10' });
    expect(await chat(gateway)).toBe('from postgres');
    const health = async () => (await (await admin(gateway, '/health')).json()).request_log;
    await until(() => gateway.gateway.stores.requestLogStatus().rows_written === 1);

    await server.stop();
    try {
      for (let i = 0; i < 15; i++) expect(await chat(gateway)).toBe('from postgres');

      const refused = await admin(gateway, '/config/alias', { method: 'POST', body: JSON.stringify({ name: 'gpt-4o', to: 'router/conversation' }) });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect((await refused.json()).error).toMatchObject({ type: 'service_unavailable', code: 'store_unavailable', message: expect.stringMatching(/nothing was changed/) });
      const classifierBefore = await (await admin(gateway, '/config/classifier')).json();
      for (const [route, body] of [
        ['/config/classifier', { hybridThreshold: 0.9 }],
        ['/config/model-mapping', { category: 'conversation', chain: ['fake/text:never stored'] }],
        ['/config/group', { name: 'pair', deployments: [{ target: 'fake/text:g', name: 'one' }] }],
      ] as const) {
        const answer = await admin(gateway, route, { method: 'POST', body: JSON.stringify(body) });
        expect(answer.status, route).toBe(503);
      }
      // Nothing that was refused is in force: the classifier's settings and the chain are as they were.
      expect(await (await admin(gateway, '/config/classifier')).json()).toEqual(classifierBefore);
      expect(await chat(gateway)).toBe('from postgres');
      const config = await (await admin(gateway, '/config')).json();
      expect(config.aliases).toEqual([]);
      expect(config.groups).toEqual([]);
      // The running breakers are in memory: shown while the store is away, without their stored history.
      expect(config.breaker.events).toBeNull();
      expect((await admin(gateway, '/circuit-breaker')).status).toBe(200);

      // 16 rows while PostgreSQL refused every write: the 10 newest wait, the 6 oldest are counted as dropped.
      let seen = await health();
      const started = Date.now();
      while (!(seen.pending === 10 && seen.rows_dropped.buffer_full === 6) && Date.now() - started < 10_000) {
        await new Promise((r) => setTimeout(r, 20));
        seen = await health();
      }
      expect(seen).toMatchObject({ pending: 10, rows_dropped: { buffer_full: 6, unwritable: 0 } });
      expect(seen.failing_for).toBeGreaterThan(0);
      const prometheus = await (await admin(gateway, '/metrics?format=prometheus')).text();
      expect(prometheus).toMatch(/^llm_router_log_rows_dropped_total\{reason="buffer_full"\} 6$/m);
      expect((await admin(gateway, '/requests')).status).toBe(503);
    } finally {
      await server.start();
    }
    // Back: the kept rows are written.
    await until(() => gateway.gateway.log.pending === 0 && gateway.gateway.stores.requestLogStatus().failing_for === 0, 40_000);
    const metrics = await (await admin(gateway, '/metrics')).json();
    // The first request and the 10 newest of the 16.
    expect(metrics.requests.total).toBe(11);
    expect(metrics.request_log.rows_dropped.buffer_full).toBe(6);
  }, 60_000);
});
