// ROUTER_WORKERS=2, the real process as operators start it: requests spread over both workers, a
// config change and a breaker reset made through one reach the other, Prometheus text sums both,
// /metrics JSON reads the one shared log,
// a killed worker is replaced, and SIGTERM drains both with every request recorded.
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { startGatewayProcess, writeGatewayFiles, type GatewayProcess } from './support/gateway-process.ts';
import { until } from './support/until.ts';
import { freePort } from './support/free-port.ts';

let upstream: FakeUpstream;
let dir: string;
let gw: GatewayProcess;
/** Chat requests sent so far: each must be in Prometheus and, at the end, in the request log. */
let chats = 0;

interface Answer {
  status: number;
  worker: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/**
 * One request on a connection of its own (no keep-alive): the cluster hands each new connection to
 * the next worker, as it would for many clients.
 */
function call(method: string, route: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(`${gw.url}${route}`, { method, agent: false, headers: payload ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // Prometheus text
        }
        resolve({ status: res.statusCode!, worker: String(res.headers['x-router-worker']), headers: res.headers, body: parsed });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function chat(model: string): Promise<Answer> {
  chats++;
  return call('POST', '/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hello' }] });
}

/** Asks until `check` holds for an answer from `worker`; at most `tries` requests. */
async function onWorker(worker: string, ask: () => Promise<Answer>, check: (a: Answer) => boolean, tries = 60): Promise<Answer> {
  let last: Answer | undefined;
  for (let i = 0; i < tries; i++) {
    last = await ask();
    if (last.worker === worker && check(last)) return last;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`worker ${worker} never answered as expected; last answer: ${JSON.stringify(last?.body)}`);
}

const other = (worker: string) => (worker === '1' ? '2' : '1');

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  dir = mkdtempSync(path.join(tmpdir(), 'router-workers-'));
  // One failure opens a breaker, so each worker's own breaker can be opened by one request.
  const files = writeGatewayFiles(
    dir,
    { providers: { fake: { type: 'openai', baseURL: upstream.baseURL } }, breaker: { volumeThreshold: 1, errorThresholdPercentage: 50 } },
    () => ['fake/text'],
  );
  gw = await startGatewayProcess({ ...files, ROUTER_WORKERS: '2' });
}, 30_000);

afterAll(async () => {
  if (gw && gw.child.exitCode === null) gw.child.kill('SIGKILL');
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ROUTER_WORKERS=2', () => {
  it('spreads requests over both workers, and /health says which answered and of how many', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20 && seen.size < 2; i++) {
      const answer = await chat('router/conversation');
      expect(answer.status).toBe(200);
      seen.add(answer.worker);
    }
    expect([...seen].sort()).toEqual(['1', '2']);
    const health = await call('GET', '/health');
    expect(health.body).toMatchObject({ status: 'ok', worker: Number(health.worker), workers: 2 });
  });

  it('puts a chain edited through one worker in force on the other', async () => {
    const edit = await call('POST', '/config/category', { name: 'conversation', chain: ['fake/text:edited'] });
    expect(edit.status).toBe(200);
    // The cluster relays the change at once; a poll of the store's config version catches a lost message within 500 ms.
    const answer = await onWorker(other(edit.worker), () => chat('router/conversation'), (a) => a.body.choices?.[0]?.message.content === 'edited');
    expect(answer.status).toBe(200);
  });

  it('passes a 429 cool-down and a breaker reset on to the other worker', async () => {
    const edit = await call('POST', '/config/category', { name: 'conversation', chain: ['fake/error:500', 'fake/error:429:60', 'fake/text'] });
    expect(edit.status).toBe(200);
    // Each worker routes by the new chain and opens its own breaker on the failing first target.
    for (const worker of ['1', '2']) {
      const answer = await onWorker(worker, () => chat('router/conversation'), (a) => a.body.choices?.[0]?.message.content === 'Hello from text');
      expect(answer.status).toBe(200);
    }
    const breakers = (worker: string) => onWorker(worker, () => call('GET', '/circuit-breaker'), () => true);
    const state = (answer: Answer, target: string) => answer.body.breakers.find((b: { target: string }) => b.target === target)?.state;
    for (const worker of ['1', '2']) {
      const answer = await breakers(worker);
      expect(state(answer, 'fake/error:500')).toBe('open');
      expect(answer.body.cooldowns.map((c: { target: string }) => c.target)).toEqual(['fake/error:429:60']);
    }

    const reset = await call('POST', '/circuit-breaker/reset-all');
    expect(reset.status).toBe(200);
    const closedOnOther = await onWorker(other(reset.worker), () => call('GET', '/circuit-breaker'), (a) => state(a, 'fake/error:500') === 'closed');
    expect(closedOnOther.body.cooldowns).toEqual([]);
    const own = await breakers(reset.worker);
    expect(state(own, 'fake/error:500')).toBe('closed');
    expect(own.body.cooldowns).toEqual([]);
  });

  it('answers Prometheus text summed over both workers', async () => {
    // Both workers have answered chats (the tests above), so one worker's own counters fall short of the total.
    const families = parsePrometheusTextFormat((await call('GET', '/metrics?format=prometheus')).body as string);
    const requests = families.find((f) => f.name === 'llm_router_requests_total')!;
    const total = requests.metrics.reduce((sum, m) => sum + Number(m.value), 0);
    expect(total).toBe(chats);
    // A state is not a count: a breaker closed in both workers reads 1, not 2.
    const states = families.find((f) => f.name === 'llm_router_breaker_state')!;
    expect(states.metrics.find((m) => m.labels?.target === 'fake/error:500' && m.labels.state === 'closed')?.value).toBe('1');
  });

  it('answers /metrics JSON from the shared log: either worker counts both workers’ requests', async () => {
    for (const worker of ['1', '2']) {
      const answer = await onWorker(worker, () => call('GET', '/metrics'), (a) => a.body.requests?.total === chats);
      expect(answer.body.requests.total).toBe(chats);
    }
  });

  it('replaces a worker that dies', async () => {
    const pidOf = (worker: string) => [...gw.output().matchAll(new RegExp(`worker ${worker} \\(pid (\\d+)\\)`, 'g'))].map((m) => Number(m[1]));
    const [first] = pidOf('2');
    process.kill(first, 'SIGKILL');
    await until(() => pidOf('2').length === 2, 15_000);
    expect(gw.output()).toContain('worker 2 exited (SIGKILL); replacing it');
    const answer = await onWorker('2', () => chat('router/conversation'), () => true);
    expect(answer.status).toBe(200);
  }, 30_000);

  it('drains both workers on SIGTERM, records every request and exits 0', async () => {
    const inFlight = [1, 2, 3, 4].map(() => chat('fake/slow:400'));
    await until(() => upstream.calls('slow:400') === 4);
    gw.child.kill('SIGTERM');
    const answers = await Promise.all(inFlight);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(answers.map((a) => a.worker)).size).toBe(2);
    expect((await gw.exited).code).toBe(0);
    const db = new Database(path.join(dir, 'router.db'), { readonly: true });
    const { rows } = db.prepare('SELECT COUNT(*) AS rows FROM requests').get() as { rows: number };
    db.close();
    // The worker killed above had written its rows already (the log flushes within 20 ms).
    expect(rows).toBe(chats);
  }, 30_000);
});

describe('ROUTER_WORKERS=2 with a gateway that cannot start', () => {
  it('stops with exit 1 and the reason, instead of re-forking workers that will fail again', async () => {
    const categories = path.join(dir, 'broken-categories');
    mkdirSync(categories);
    writeFileSync(path.join(categories, 'code.json'), '{ not json');
    const child = spawn(process.execPath, [path.resolve(import.meta.dirname, '../service/main.ts')], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(await freePort()), HOST: '127.0.0.1', ROUTER_WORKERS: '2', ROUTER_CATEGORIES_DIR: categories, ROUTER_DB: path.join(dir, 'broken.db') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code, output).toBe(1);
    expect(output).toContain('cannot start: categories/code.json');
    expect(output).toMatch(/worker \d exited during start \(code 1\); stopping/);
  }, 30_000);
});
