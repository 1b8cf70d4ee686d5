// The fault matrix: each upstream failure, for plain and streamed requests, through a chain
// `flaky/<fault>` → `backup/text`. What the client receives, which targets were tried, what the
// record says, and whether the failing target's breaker counted it. docs/RELIABILITY.md holds the
// same table, rendered from MATRIX below (run with UPDATE_DOCS=1 to rewrite it).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { startGateway, type RunningGateway } from './support/start-gateway.ts';

type Mode = 'plain' | 'stream';

interface Expectation {
  /** The target model on the flaky provider (its name picks the fake's behaviour), or `dead/x` for a refused connection. */
  target: string;
  status: number;
  /** Who served the answer the client received, if anyone. */
  servedBy: 'flaky' | 'backup' | null;
  tried: Array<'flaky' | 'backup'>;
  outcome: 'ok' | 'error' | 'partial';
  /** The failing target's breaker counted a failure. */
  breakerCounts: boolean;
  client: string;
}

interface Row {
  fault: string;
  plain?: Expectation;
  stream?: Expectation;
}

const movedOn = (target: string, client = 'the next target’s answer, 200'): Expectation => ({ target, status: 200, servedBy: 'backup', tried: ['flaky', 'backup'], outcome: 'ok', breakerCounts: true, client });

const MATRIX: Row[] = [
  { fault: 'HTTP 500', plain: movedOn('flaky/error:500'), stream: movedOn('flaky/error:500') },
  { fault: 'HTTP 503', plain: movedOn('flaky/error:503'), stream: movedOn('flaky/error:503') },
  { fault: 'HTTP 529 (overloaded)', plain: movedOn('flaky/error:529'), stream: movedOn('flaky/error:529') },
  {
    fault: 'HTTP 429 with Retry-After',
    plain: movedOn('flaky/error:429', 'the next target’s answer, 200; the target is then skipped for Retry-After'),
    stream: movedOn('flaky/error:429#stream', 'the next target’s answer, 200; the target is then skipped for Retry-After'),
  },
  {
    fault: 'HTTP 400 about the request',
    plain: { target: 'flaky/error:400', status: 400, servedBy: null, tried: ['flaky'], outcome: 'error', breakerCounts: false, client: 'the upstream’s 400 in OpenAI shape, at once' },
    stream: { target: 'flaky/error:400', status: 400, servedBy: null, tried: ['flaky'], outcome: 'error', breakerCounts: false, client: 'the upstream’s 400 in OpenAI shape, at once' },
  },
  { fault: 'HTTP 401 (bad key at the target)', plain: movedOn('flaky/error:401'), stream: movedOn('flaky/error:401') },
  { fault: 'connection refused', plain: movedOn('dead/x'), stream: movedOn('dead/x') },
  { fault: 'connection reset mid-body', plain: movedOn('flaky/reset-mid-body') },
  { fault: 'slower than the attempt timeout', plain: movedOn('flaky/slow:2000'), stream: movedOn('flaky/slow:2000') },
  { fault: 'malformed JSON', plain: movedOn('flaky/malformed'), stream: movedOn('flaky/malformed') },
  { fault: 'SSE cut before the first token', stream: movedOn('flaky/cut-before-content', 'the next target’s stream, 200; nothing of the failed one') },
  {
    fault: 'SSE cut mid-stream',
    stream: { target: 'flaky/cut-mid-stream:one two three four', status: 200, servedBy: 'flaky', tried: ['flaky'], outcome: 'partial', breakerCounts: true, client: 'the content sent so far, then an error event; no [DONE]' },
  },
  { fault: 'in-stream error event before content', stream: movedOn('flaky/stream-error-first', 'the next target’s stream, 200; nothing of the failed one') },
  {
    fault: 'in-stream error event after content',
    stream: { target: 'flaky/stream-error-event:one two three four', status: 200, servedBy: 'flaky', tried: ['flaky'], outcome: 'partial', breakerCounts: true, client: 'the content sent so far, then an error event; no [DONE]' },
  },
  { fault: 'empty completion', plain: movedOn('flaky/empty'), stream: movedOn('flaky/empty') },
];

let flaky: FakeUpstream;
let backup: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  flaky = await startFakeOpenAI();
  backup = await startFakeOpenAI();
  gw = await startGateway({
    routerConfig: {
      providers: {
        flaky: { type: 'openai', baseURL: flaky.baseURL },
        backup: { type: 'openai', baseURL: backup.baseURL },
        // Nothing listens on port 9 here: connection refused.
        dead: { type: 'openai', baseURL: 'http://127.0.0.1:9/v1' },
      },
      // Keep breakers closed through the matrix so each row sees its own fault; the counts are read per row.
      breaker: { volumeThreshold: 1000 },
      attemptTimeoutMs: 500,
    },
  });
});
afterAll(async () => {
  await gw?.close();
  await flaky?.close();
  await backup?.close();
});

describe('fault matrix', () => {
  for (const row of MATRIX) {
    for (const mode of ['plain', 'stream'] as const) {
      const expected = row[mode];
      if (!expected) continue;
      it(`${row.fault} — ${mode}`, async () => {
        await setChain([expected.target, 'backup/text']);
        const failuresBefore = breakerFailures(expected.target);
        const res = await fetch(`${gw.baseURL}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'router/conversation', stream: mode === 'stream', messages: [{ role: 'user', content: 'hi' }] }),
        });
        const text = await res.text();
        expect(res.status).toBe(expected.status);
        if (expected.servedBy) expect(res.headers.get('x-router-model')).toBe(expected.servedBy === 'backup' ? 'backup/text' : expected.target);
        if (expected.status === 200 && mode === 'stream') {
          const partial = expected.outcome === 'partial';
          expect(text.endsWith('data: [DONE]\n\n')).toBe(!partial);
          if (partial) {
            expect(text).toContain('"content":"one "');
            expect(text.trimEnd().split('\n\n').at(-1)).toMatch(/^data: \{"error":\{"message":"upstream .* failed mid-stream/);
          } else expect(streamedText(text)).toBe('Hello from text');
        }
        if (expected.status === 200 && mode === 'plain') expect(JSON.parse(text).choices[0].message.content).toBe('Hello from text');
        if (expected.status !== 200) expect(JSON.parse(text).error).toMatchObject({ type: expect.any(String), message: expect.any(String) });

        const record = recordOf(res.headers.get('x-request-id'));
        expect(record.outcome).toBe(expected.outcome);
        expect(record.attempts.map((a: any) => a.target.split('/')[0] === 'dead' ? 'flaky' : a.target.split('/')[0])).toEqual(expected.tried);
        expect(breakerFailures(expected.target) - failuresBefore).toBe(expected.breakerCounts ? 1 : 0);
      });
    }
  }

  it('skips a target told to wait by Retry-After, without calling it', async () => {
    await setChain(['flaky/error:429#cool', 'backup/text']);
    const ask = () => fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'router/conversation', messages: [{ role: 'user', content: 'hi' }] }) });
    expect((await ask()).status).toBe(200);
    expect(flaky.calls('error:429#cool')).toBe(1);
    const res = await ask();
    expect(res.status).toBe(200);
    expect(flaky.calls('error:429#cool')).toBe(1);
    expect(recordOf(res.headers.get('x-request-id')).attempts[0]).toMatchObject({ target: 'flaky/error:429#cool', outcome: 'cooling_down' });
  });

  it('is the table in docs/RELIABILITY.md', () => {
    const file = path.resolve(import.meta.dirname, '..', 'docs', 'RELIABILITY.md');
    const table = renderTable();
    if (process.env.UPDATE_DOCS) {
      const doc = readFileSync(file, 'utf8');
      writeFileSync(file, doc.replace(/<!-- fault-matrix -->[\s\S]*<!-- \/fault-matrix -->/, `<!-- fault-matrix -->\n${table}<!-- /fault-matrix -->`));
    }
    expect(readFileSync(file, 'utf8')).toContain(table);
  });
});

async function setChain(models: string[]) {
  const res = await fetch(`${gw.url}/config/model-mapping`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ category: 'conversation', models }) });
  expect(res.status).toBe(200);
}

function breakerFailures(target: string): number {
  return gw.gateway.breakers.snapshot().find((b) => b.target === target)?.failures ?? 0;
}

function recordOf(id: string | null): { outcome: string; attempts: any[] } {
  gw.gateway.log.flush();
  const db = new Database(gw.config.dbPath, { readonly: true });
  const row = db.prepare('SELECT outcome, attempts FROM requests WHERE id = ?').get(id) as { outcome: string; attempts: string };
  db.close();
  return { outcome: row.outcome, attempts: JSON.parse(row.attempts) };
}

function streamedText(sse: string): string {
  return sse
    .split('\n\n')
    .filter((e) => e.startsWith('data: {'))
    .map((e) => JSON.parse(e.slice(6)).choices?.[0]?.delta?.content ?? '')
    .join('');
}

function renderTable(): string {
  const lines = ['| fault | request | client receives | targets tried | record | breaker of the failing target |', '|---|---|---|---|---|---|'];
  for (const row of MATRIX) {
    for (const mode of ['plain', 'stream'] as const) {
      const e = row[mode];
      if (!e) continue;
      const tried = e.tried.map((t) => (t === 'flaky' ? 'failing target' : 'next target')).join(' → ');
      const record = `${e.outcome}, ${e.tried.length} attempt${e.tried.length > 1 ? 's' : ''}`;
      lines.push(`| ${row.fault} | ${mode} | ${e.client} | ${tried} | ${record} | ${e.breakerCounts ? 'failure counted' : 'not counted'} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
