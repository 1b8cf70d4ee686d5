// Signals and restarts of a real gateway process: SIGTERM drains in-flight requests and flushes
// the log; SIGKILL under load loses nothing that was flushed, and the database reopens cleanly.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { startGatewayProcess, writeGatewayFiles } from './support/gateway-process.ts';
import { until } from './support/until.ts';

let upstream: FakeUpstream;
let dir: string;
let files: Record<string, string>;

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  dir = mkdtempSync(path.join(tmpdir(), 'router-lifecycle-'));
  files = writeGatewayFiles(dir, { providers: { fake: { type: 'openai', baseURL: upstream.baseURL } } }, () => ['fake/text']);
});
afterAll(async () => {
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

const envFor = (db: string, extra: Record<string, string> = {}) => ({ ...files, ROUTER_DB: path.join(dir, db), ...extra });

const chat = (url: string, model = 'router') =>
  fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }] }) });

function ids(db: string): Set<string> {
  const sqlite = new Database(path.join(dir, db), { readonly: true });
  expect((sqlite.pragma('integrity_check', { simple: true }) as string)).toBe('ok');
  const rows = sqlite.prepare('SELECT id FROM requests').all() as Array<{ id: string }>;
  sqlite.close();
  return new Set(rows.map((r) => r.id));
}

describe('process lifecycle', () => {
  it('on SIGTERM stops accepting, lets in-flight requests finish, flushes the log and exits 0', async () => {
    const gw = await startGatewayProcess(envFor('term.db', { ROUTER_LOG_FLUSH_MS: '60000' }));
    const inFlight = chat(gw.url, 'fake/slow:700');
    await until(() => upstream.calls('slow:700') === 1, 10_000);
    gw.child.kill('SIGTERM');
    // The server closes in the same turn as it logs this: a fixed wait was too short on a busy machine.
    await until(() => gw.output().includes('no new connections'), 10_000);
    await expect(chat(gw.url)).rejects.toThrow();

    const res = await inFlight;
    expect(res.status).toBe(200);
    expect((await res.json()).choices[0].message.content).toBe('700');
    const { code } = await gw.exited;
    expect(code).toBe(0);
    expect(gw.output()).toContain('request log flushed');
    // The flush interval was a minute: only the shutdown flush can have written this row.
    expect(ids('term.db').has(res.headers.get('x-request-id')!)).toBe(true);
  }, 20_000);

  it('after SIGKILL under load, reopens cleanly and holds every request up to the last flush', async () => {
    const flushMs = 200;
    const gw = await startGatewayProcess(envFor('kill.db', { ROUTER_LOG_FLUSH_MS: String(flushMs) }));
    const completed: Array<{ id: string; at: number }> = [];
    let stop = false;
    const started = Date.now();
    // Bounded load: 8 workers, at most 20 s or 4000 requests.
    const workers = Array.from({ length: 8 }, async () => {
      while (!stop && completed.length < 4000 && Date.now() - started < 20_000) {
        try {
          const res = await chat(gw.url);
          await res.text();
          completed.push({ id: res.headers.get('x-request-id')!, at: Date.now() });
        } catch {
          return; // the process is gone
        }
      }
    });
    // Killed once enough requests are done, however slow the machine is today.
    while (completed.filter((c) => c.at < Date.now() - flushMs * 2).length <= 50 && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 10));
    const killedAt = Date.now();
    gw.child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    expect((await gw.exited).signal).toBe('SIGKILL');

    const flushedBefore = completed.filter((c) => c.at < killedAt - flushMs * 2);
    expect(flushedBefore.length).toBeGreaterThan(50);
    const restarted = await startGatewayProcess(envFor('kill.db', { ROUTER_LOG_FLUSH_MS: String(flushMs) }));
    try {
      expect((await chat(restarted.url)).status).toBe(200);
    } finally {
      restarted.child.kill('SIGTERM');
      await restarted.exited;
    }
    const stored = ids('kill.db');
    const missing = flushedBefore.filter((c) => !stored.has(c.id));
    expect(missing).toEqual([]);
  }, 30_000);
});
