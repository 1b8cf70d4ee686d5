// Two replicas on one PostgreSQL, as operators run them behind a load balancer: two real gateway
// processes (`node service/main.ts` with ROUTER_DATABASE_URL), fake upstreams on 127.0.0.1. A chain
// edited on A routes on B; requests through both are in one /metrics; a 429 cool-down set on A is
// honoured by B and a reset on A clears it on B; kill -9 of a replica under load loses at most the
// rows it had not written yet.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai-upstream.ts';
import { startGatewayProcess, writeGatewayFiles, type GatewayProcess } from '../support/gateway-process.ts';
import { startPostgres, type PostgresServer } from '../support/postgres-server.ts';

let server: PostgresServer;
let upstream: FakeUpstream;
let url: string;
const dirs: string[] = [];
let a: GatewayProcess;
let b: GatewayProcess;

async function replica(name: string, env: Record<string, string> = {}): Promise<GatewayProcess> {
  const dir = mkdtempSync(path.join(tmpdir(), `router-replica-${name}-`));
  dirs.push(dir);
  // One failure opens a breaker, so a replica's own breaker opens on one request.
  const routerConfig = { providers: { fake: { type: 'openai', baseURL: upstream.baseURL, apiKeyEnv: 'FAKE_KEY' } }, breaker: { volumeThreshold: 1, errorThresholdPercentage: 50 } };
  const files = writeGatewayFiles(dir, routerConfig, (category) =>
    category === 'conversation' ? ['fake/text:first'] : undefined,
  );
  return startGatewayProcess({ ...files, FAKE_KEY: 'k', ROUTER_DATABASE_URL: url, ...env });
}

/** Chats answered so far by either replica: every one of them is in the shared log. */
let chats = 0;

const client = (gw: GatewayProcess) => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'none', maxRetries: 0 });

async function chat(gw: GatewayProcess, model = 'router/conversation'): Promise<{ id: string; content: string | null }> {
  const { data, response } = await client(gw).chat.completions.create({ model, messages: [{ role: 'user', content: 'hello' }] }).withResponse();
  chats++;
  return { id: response.headers.get('x-request-id')!, content: data.choices[0].message.content };
}

async function admin(gw: GatewayProcess, route: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${gw.url}${route}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

/** Polls `read` until `check` holds; bounded (the assertion is on the value, never on the time). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  let value = await read();
  while (!check(value)) {
    if (Date.now() - started > timeoutMs) throw new Error(`never held; last value: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 20));
    value = await read();
  }
  return value;
}

beforeAll(async () => {
  [server, upstream] = await Promise.all([startPostgres(), startFakeOpenAI()]);
  url = await server.createDatabase();
  // Started together: the migrations and the seeding run under advisory locks, once.
  [a, b] = await Promise.all([replica('a'), replica('b')]);
}, 60_000);

afterAll(async () => {
  for (const gw of [a, b]) if (gw && gw.child.exitCode === null && gw.child.signalCode === null) gw.child.kill('SIGKILL');
  await Promise.all([a?.exited, b?.exited]);
  await upstream?.close();
  await server?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('two replicas on one PostgreSQL', () => {
  it('puts a chain edited on A in force on B', async () => {
    expect((await chat(b)).content).toBe('first');
    const editedAt = Date.now();
    const edit = await admin(a, '/config/model-mapping', { category: 'conversation', chain: ['fake/text:edited'] });
    expect(edit.status).toBe(200);
    // B hears A's NOTIFY and re-reads the store; polled, not slept on.
    const config = await eventually(
      () => admin(b, '/config'),
      (c) => c.body.categories.find((cat: { name: string }) => cat.name === 'conversation').chain[0] === 'fake/text:edited',
    );
    console.log(`[two-replicas] a chain edited on A was seen on B ${Date.now() - editedAt} ms after the POST was sent (a figure, not an assertion)`);
    expect(config.body.categories.find((cat: { name: string }) => cat.name === 'conversation').source).toBe('REST');
    expect((await chat(b)).content).toBe('edited');
  });

  it('puts aliases, groups and classifier settings changed on A in force on B', async () => {
    expect((await admin(a, '/config/alias', { name: 'gpt-4o', to: 'router/conversation' })).status).toBe(201);
    const group = { name: 'pair', strategy: 'round-robin', deployments: [{ target: 'fake/text:grouped', name: 'one' }] };
    expect((await admin(a, '/config/group', group)).status).toBe(201);
    expect((await admin(a, '/config/classifier', { hybridThreshold: 0.42 })).status).toBe(200);
    const config = await eventually(
      () => admin(b, '/config'),
      (c) => c.body.aliases.length === 1 && c.body.groups.length === 1 && c.body.classifier.hybridThreshold === 0.42,
    );
    expect(config.body.aliases[0]).toMatchObject({ name: 'gpt-4o', to: 'router/conversation' });
    expect(config.body.groups[0]).toMatchObject({ name: 'pair', source: 'stored' });
    // B routes by them: the alias to the category, the group as a chain's target.
    expect((await chat(b, 'gpt-4o')).content).toBe('edited');
    expect((await chat(b, 'group:pair')).content).toBe('grouped');
  });

  it('answers on B a previous_response_id that A stored', async () => {
    const first = await client(a).responses.create({ model: 'router/conversation', input: 'remember this' });
    chats++;
    const followUp = await client(b).responses.create({ model: 'router/conversation', input: 'and this', previous_response_id: first.id });
    chats++;
    expect(followUp.output_text).toBe('edited');
    // B sent the whole conversation upstream: A's stored turn came first.
    const sent = upstream.requests.at(-1)!.body.messages.map((m: { content: unknown }) => JSON.stringify(m.content));
    expect(sent.join(' ')).toMatch(/remember this.*and this/);
  });

  it('counts requests through both replicas in one /metrics, read on either', async () => {
    for (let i = 0; i < 3; i++) await chat(a);
    for (let i = 0; i < 4; i++) await chat(b);
    // Each replica's rows are written within its ROUTER_LOG_FLUSH_MS; A's reader writes A's own first.
    for (const gw of [a, b]) {
      const metrics = await eventually(() => admin(gw, '/metrics'), (m) => m.body.requests.total === chats);
      expect(metrics.body.targets['fake/text:edited'].calls).toBeGreaterThanOrEqual(7);
    }
  });

  it('honours on B a 429 cool-down set on A, and a reset on A ends it on B', async () => {
    const cooling = 'fake/error:429:60';
    expect((await admin(a, '/config/model-mapping', { category: 'conversation', chain: [cooling, 'fake/text:second'] })).status).toBe(200);
    await eventually(() => admin(b, '/config'), (c) => c.body.categories.find((cat: { name: string }) => cat.name === 'conversation').chain[0] === cooling);

    // A calls the target, gets 429 with Retry-After: 60, cools it down and fails over.
    expect((await chat(a)).content).toBe('second');
    expect(upstream.calls('error:429:60')).toBe(1);
    const onB = await eventually(() => admin(b, '/circuit-breaker'), (r) => r.body.cooldowns.some((c: { target: string }) => c.target === cooling));
    expect(onB.body.cooldowns.find((c: { target: string }) => c.target === cooling).until).toBeGreaterThan(Date.now());
    // B skips the cooling target without calling it.
    expect((await chat(b)).content).toBe('second');
    expect(upstream.calls('error:429:60')).toBe(1);

    expect((await admin(a, `/circuit-breaker/reset/${cooling}`, {})).status).toBe(200);
    await eventually(() => admin(b, '/circuit-breaker'), (r) => r.body.cooldowns.length === 0);
  });

  it('counts breaker failures per replica, and a reset on A closes the breaker B opened', async () => {
    const failing = 'fake/error:500';
    expect((await admin(a, '/config/model-mapping', { category: 'conversation', chain: [failing, 'fake/text:second'] })).status).toBe(200);
    await eventually(() => admin(b, '/config'), (c) => c.body.categories.find((cat: { name: string }) => cat.name === 'conversation').chain[0] === failing);
    const state = async (gw: GatewayProcess) => (await admin(gw, '/circuit-breaker')).body.breakers.find((x: { target: string }) => x.target === failing)?.state;

    expect((await chat(b)).content).toBe('second');
    expect(await state(b)).toBe('open');
    // A saw no failure: its own breaker for the target is not open.
    expect(await state(a)).not.toBe('open');

    expect((await admin(a, '/circuit-breaker/reset-all', {})).status).toBe(200);
    await eventually(() => state(b), (s) => s === 'closed');
  });

  it('loses at most the unwritten batch of a replica killed with -9 under load', async () => {
    expect((await admin(a, '/config/model-mapping', { category: 'conversation', chain: ['fake/text:load'] })).status).toBe(200);
    await eventually(() => admin(b, '/config'), (c) => c.body.categories.find((cat: { name: string }) => cat.name === 'conversation').chain[0] === 'fake/text:load');

    const answered = new Map<string, number>();
    let killedAt = 0;
    const MAX_REQUESTS = 2000;
    let sent = 0;
    // Four clients at a time, bounded; B is killed once 200 answers are in.
    const worker = async () => {
      while (sent < MAX_REQUESTS && !killedAt) {
        sent++;
        try {
          const { id } = await chat(b);
          answered.set(id, Date.now());
        } catch {
          return;
        }
        if (answered.size >= 200 && !killedAt) {
          killedAt = Date.now();
          b.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    expect((await b.exited).signal).toBe('SIGKILL');

    const db = new pg.Client({ connectionString: url });
    await db.connect();
    let stored: Set<string>;
    try {
      const { rows } = await db.query<{ id: string }>('SELECT id FROM requests WHERE id = ANY($1)', [[...answered.keys()]]);
      stored = new Set(rows.map((r) => r.id));
    } finally {
      await db.end();
    }
    const lost = [...answered].filter(([id]) => !stored.has(id));
    console.log(`[two-replicas] kill -9 under load: ${answered.size} answered by B, ${stored.size} in the log, ${lost.length} lost (B's unwritten batch)`);
    // The log writes every ROUTER_LOG_FLUSH_MS (20 ms): only rows answered just before the kill can be missing.
    for (const [, at] of lost) expect(killedAt - at).toBeLessThan(1000);
    expect(stored.size).toBeGreaterThan(0);

    // A keeps serving, and its /metrics counts what B wrote.
    expect((await chat(a)).content).toBe('load');
  }, 60_000);
});
