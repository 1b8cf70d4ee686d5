// Hardening (issue 9): what a misbehaving upstream sends and what a hostile client posts must
// never stop the gateway, grow it without bound, or cost other clients. Each case plays one fault
// of test/support/hostile-upstream.ts through the real server, with the openai SDK where a user would.
import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { startHostileUpstream, type HostileUpstream } from './support/hostile-upstream.ts';
import { fakeKeys, fakeProviders, startGateway, type RunningGateway } from './support/start-gateway.ts';

let hostile: HostileUpstream;
let backup: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  hostile = await startHostileUpstream();
  backup = await startFakeOpenAI();
  gw = await startGateway({
    routerConfig: fakeProviders({ hostile: hostile.baseURL, backup: backup.baseURL }),
    env: { ...fakeKeys(['hostile', 'backup']), ROUTER_MAX_EVENT_KB: '128', ROUTER_MAX_COOLDOWN_S: '60' },
    chains: { conversation: ['backup/text'] },
  });
});
afterAll(async () => {
  await gw?.close();
  await hostile?.close();
  await backup?.close();
});
afterEach(() => gw.gateway.breakers.resetAll());

interface Row {
  id: string;
  status: number;
  outcome: string;
  target: string | null;
  attempts: string;
  prompt_tokens: number | null;
  error: string | null;
  requested_model: string | null;
}

function row(id: string | null): Row {
  gw.gateway.log.flush();
  const db = new Database(gw.config.dbPath, { readonly: true });
  try {
    return db.prepare('SELECT * FROM requests WHERE id = ?').get(id) as Row;
  } finally {
    db.close();
  }
}

const post = (body: unknown) =>
  fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

async function streamText(model: string): Promise<{ text: string; id: string | null; served: string | null }> {
  const { data, response } = await gw.client().chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], stream: true }).withResponse();
  let text = '';
  for await (const chunk of data) text += chunk.choices[0]?.delta?.content ?? '';
  return { text, id: response.headers.get('x-request-id'), served: response.headers.get('x-router-model') };
}

describe('an upstream answer the gateway cannot trust', () => {
  it('a stream whose first chunk has no choices is served and recorded; the process keeps serving', async () => {
    const { text, id } = await streamText('hostile/no-choices-first');
    expect(text).toBe('Hello from no-choices-first');
    expect(row(id)).toMatchObject({ status: 200, outcome: 'ok', target: 'hostile/no-choices-first' });
    const health = await fetch(`${gw.url}/health`).then((r) => r.json());
    expect(health.escaped_errors).toBe(0);
  });

  for (const mode of ['usage-object', 'usage-boolean', 'usage-array', 'usage-negative'] as const) {
    it(`usage with ${mode.slice(6)} token counts is answered and recorded with the rows around it`, async () => {
      const before = await gw.client().chat.completions.create({ model: 'backup/text', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      const plain = await gw.client().chat.completions.create({ model: `hostile/${mode}`, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      const streamed = await streamText(`hostile/${mode}`);
      const after = await gw.client().chat.completions.create({ model: 'backup/text', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      for (const id of [before.response, plain.response, after.response].map((r) => r.headers.get('x-request-id')).concat(streamed.id)) {
        const r = row(id);
        expect(r).toMatchObject({ status: 200, outcome: 'ok' });
        expect(r.prompt_tokens === null || (Number.isFinite(r.prompt_tokens) && r.prompt_tokens >= 0)).toBe(true);
      }
    });
  }
});

describe('failing over from a hostile answer', () => {
  let chained: RunningGateway;
  beforeAll(async () => {
    chained = await startGateway({
      routerConfig: fakeProviders({ hostile: hostile.baseURL, backup: backup.baseURL }),
      env: { ...fakeKeys(['hostile', 'backup']), ROUTER_MAX_UPSTREAM_MB: '1', ROUTER_MAX_EVENT_KB: '64' },
    });
  });
  afterAll(() => chained?.close());

  const cases: Array<[string, string]> = [
    ['nested 100,000 levels deep', 'deep'],
    ['a tool call without its function', 'tool-no-function'],
    ['a plain answer over ROUTER_MAX_UPSTREAM_MB', 'huge:3000000'],
    ['an SSE line over ROUTER_MAX_EVENT_KB', 'long-line:2000000'],
  ];
  // (An endless plain body is a fault; an endless stream of valid chunks is only bounded by the request deadline.)
  cases.push(['a plain answer that never ends', 'endless']);
  for (const [what, mode] of cases) {
    for (const stream of mode === 'endless' ? [false] : [false, true]) {
      it(`${what} (${stream ? 'stream' : 'plain'}): the next target answers, the record names both attempts`, async () => {
        const config = { name: 'fallback', description: 'hostile first, backup second', keywords: [], chain: [`hostile/${mode}#${stream}`, 'backup/text'] };
        const put = await fetch(`${chained.url}/config/category`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...config, models: config.chain }) });
        expect(put.status).toBeLessThan(300);
        const client = chained.client();
        let text = '';
        let response: Response;
        if (stream) {
          const out = await client.chat.completions.create({ model: 'router/fallback', messages: [{ role: 'user', content: 'hi' }], stream: true }).withResponse();
          for await (const chunk of out.data) text += chunk.choices[0]?.delta?.content ?? '';
          response = out.response;
        } else {
          const out = await client.chat.completions.create({ model: 'router/fallback', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
          text = out.data.choices[0].message.content ?? '';
          response = out.response;
        }
        expect(text).toContain('Hello from text');
        expect(response.headers.get('x-router-model')).toBe('backup/text');
        chained.gateway.log.flush();
        const db = new Database(chained.config.dbPath, { readonly: true });
        const r = db.prepare('SELECT status, outcome, target, attempts FROM requests WHERE id = ?').get(response.headers.get('x-request-id')) as Row;
        db.close();
        expect(r).toMatchObject({ status: 200, outcome: 'ok', target: 'backup/text' });
        const attempts = JSON.parse(r.attempts) as Array<{ target: string; outcome: string }>;
        expect(attempts.map((a) => a.outcome)).toEqual(['error', 'ok']);
      }, 20_000);
    }
  }
});

describe('a client cannot hurt other clients', () => {
  it('a model name no header can carry is a 400 before any upstream call', async () => {
    const calls = hostile.calls();
    for (const model of ['hostile/模型', 'hostile/a\r\nx-injected: 1', 'hostile/nul\u0000', 'hostile/' + 'm'.repeat(300)]) {
      for (const stream of [false, true]) {
        const res = await post({ model, messages: [{ role: 'user', content: 'hi' }], stream });
        expect(res.status).toBe(400);
        expect((await res.json()).error.param).toBe('model');
      }
    }
    expect(hostile.calls()).toBe(calls);
    // The pool is untouched: a normal request goes straight through.
    expect((await gw.client().chat.completions.create({ model: 'backup/text', messages: [{ role: 'user', content: 'hi' }] })).choices[0].message.content).toContain('Hello');
  });

  it('a body nested 3,000 levels deep is a 400 and no breaker counts it', async () => {
    const deep = '['.repeat(3000) + ']'.repeat(3000);
    const res = await post(`{"model":"router/conversation","messages":[{"role":"user","content":"hi"}],"metadata":${deep}}`);
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('too_deeply_nested');
    expect(gw.gateway.breakers.snapshot().every((b) => b.failures === 0)).toBe(true);
  });

  it('distinct direct targets cannot grow breakers or Prometheus series without bound', async () => {
    const names = Array.from({ length: 1_150 }, (_, i) => `hostile/ok#${i}`);
    for (let i = 0; i < names.length; i += 50) {
      await Promise.all(names.slice(i, i + 50).map((model) => post({ model, messages: [{ role: 'user', content: 'hi' }] }).then((r) => r.arrayBuffer())));
    }
    expect(gw.gateway.breakers.snapshot().length).toBeLessThanOrEqual(1_000 + 10);
    const scrape = await fetch(`${gw.url}/metrics?format=prometheus`).then((r) => r.text());
    const targets = new Set([...scrape.matchAll(/target="([^"]*)"/g)].map((m) => m[1]));
    expect(targets.size).toBeLessThanOrEqual(100 + 20);
    expect(targets.has('other')).toBe(true);
  }, 60_000);

  it('an upload abandoned half-way is recorded as 499 client_closed, not a 500', async () => {
    const before = Date.now();
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '10000' } });
      req.on('error', () => resolve());
      req.write('{"model":"router","messages":[');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 100);
    });
    await new Promise((r) => setTimeout(r, 200));
    gw.gateway.log.flush();
    const db = new Database(gw.config.dbPath, { readonly: true });
    const rows = db.prepare('SELECT status, outcome, error FROM requests WHERE ts >= ? AND requested_model IS NULL').all(before) as Row[];
    db.close();
    expect(rows).toEqual([expect.objectContaining({ status: 499, outcome: 'client_closed' })]);
  });
});

describe('cool-downs and breakers', () => {
  it('a Retry-After of 999,999,999 s cools the target for at most ROUTER_MAX_COOLDOWN_S, and a breaker reset clears it', async () => {
    const model = 'hostile/retry-after-huge';
    const first = await post({ model, messages: [{ role: 'user', content: 'hi' }] });
    expect(first.status).toBeGreaterThanOrEqual(400);
    const cooling = gw.gateway.breakers.coolingUntil(model)!;
    expect(cooling - Date.now()).toBeLessThanOrEqual(60_000);
    const skipped = await post({ model, messages: [{ role: 'user', content: 'hi' }] });
    expect(skipped.status).toBe(503);
    const calls = hostile.calls('retry-after-huge');
    const reset = await fetch(`${gw.url}/circuit-breaker/reset/${encodeURIComponent(model)}`, { method: 'POST' });
    expect(reset.status).toBe(200);
    expect((await post({ model, messages: [{ role: 'user', content: 'hi' }] })).status).toBe(first.status);
    expect(hostile.calls('retry-after-huge')).toBe(calls + 1);
  });
});

describe('slow stream readers', () => {
  it('a reader that lags behind a large stream adds no listener per wait (no MaxListenersExceededWarning)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const received = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
          let bytes = 0;
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            // Read in bursts so the gateway's writes meet backpressure again and again.
            res.pause();
            setTimeout(() => res.resume(), 2);
          });
          res.on('end', () => resolve(bytes));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(JSON.stringify({ model: 'hostile/huge:2000000', messages: [{ role: 'user', content: 'hi' }], stream: true }));
      });
      expect(received).toBeGreaterThan(2_000_000);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  }, 30_000);
});
