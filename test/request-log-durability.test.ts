// The request log under faults, against a real gateway process: odd upstream usage, SQLite locked
// by another process, and kill -9. The process keeps serving, says what went wrong in /metrics,
// and loses no row it could keep.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startGatewayProcess, writeGatewayFiles, type GatewayProcess } from './support/gateway-process.ts';

/** Token counts an upstream may send instead of numbers, by model name. */
const ODD_USAGE: Record<string, unknown> = {
  object: { prompt_tokens: { value: 12 }, completion_tokens: { value: 5 }, total_tokens: {} },
  boolean: { prompt_tokens: true, completion_tokens: false, total_tokens: true },
  array: { prompt_tokens: [12], completion_tokens: [5, 1], total_tokens: [], prompt_tokens_details: { cached_tokens: [1] } },
  good: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
};

let upstream: Server;
let dir: string;
let files: Record<string, string>;
const ADMIN = 'durability-admin';

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const model = String(JSON.parse(body).model);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'chatcmpl-odd', object: 'chat.completion', created: 1754693440, model,
          choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
          usage: ODD_USAGE[model] ?? ODD_USAGE.good,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const baseURL = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
  dir = mkdtempSync(path.join(tmpdir(), 'router-durability-'));
  files = writeGatewayFiles(dir, { providers: { odd: { type: 'openai', baseURL } } }, () => ['odd/good']);
});
afterAll(async () => {
  upstream?.closeAllConnections();
  await new Promise((resolve) => upstream?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const envFor = (db: string) => ({ ...files, ROUTER_DB: path.join(dir, db), ROUTER_ADMIN_KEY: ADMIN });

async function chat(url: string, model = 'odd/good'): Promise<string> {
  const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }] }) });
  await res.text();
  expect(res.status).toBe(200);
  return res.headers.get('x-request-id')!;
}

const admin = (gw: GatewayProcess, pathname: string) => fetch(`${gw.url}${pathname}`, { headers: { authorization: `Bearer ${ADMIN}` } });

function storedIds(db: string): Set<string> {
  const sqlite = new Database(path.join(dir, db), { readonly: true });
  const rows = sqlite.prepare('SELECT id FROM requests').all() as Array<{ id: string }>;
  sqlite.close();
  return new Set(rows.map((r) => r.id));
}

async function stop(gw: GatewayProcess): Promise<void> {
  if (gw.child.exitCode === null && gw.child.signalCode === null) gw.child.kill('SIGTERM');
  await gw.exited;
}

/** Polls `check` every 20 ms for at most `ms` (a bound against hanging, not a speed assertion). */
async function eventually(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('request log durability', () => {
  it('records answers whose usage token counts are objects, booleans or arrays, with the rest of their batch, and stays up', async () => {
    const gw = await startGatewayProcess(envFor('odd.db'));
    try {
      const ids: string[] = [];
      for (const model of ['good', 'object', 'good', 'boolean', 'array', 'good']) ids.push(await chat(gw.url, `odd/${model}`));
      // Let the flush run, then prove the process is still serving.
      await eventually(async () => ids.every((id) => storedIds('odd.db').has(id)));
      expect((await fetch(`${gw.url}/health`)).status).toBe(200);
      const sqlite = new Database(path.join(dir, 'odd.db'), { readonly: true });
      const odd = sqlite.prepare('SELECT prompt_tokens, completion_tokens, cached_tokens FROM requests WHERE id IN (?, ?, ?)').all(ids[1], ids[3], ids[4]) as Array<Record<string, unknown>>;
      sqlite.close();
      // Stored as numbers (once normalised or estimated) or null, never as the odd value.
      for (const value of odd.flatMap((r) => Object.values(r))) expect(value === null || Number.isFinite(value)).toBe(true);
    } finally {
      await stop(gw);
    }
    expect(gw.output()).not.toMatch(/Uncaught|unhandled rejection/i);
  }, 30_000);

  it('keeps serving while another process holds the SQLite write lock, reports it in /metrics, and writes the rows once the lock is gone', async () => {
    const gw = await startGatewayProcess(envFor('locked.db'));
    const holder = new Database(path.join(dir, 'locked.db'));
    try {
      holder.exec('BEGIN IMMEDIATE');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await chat(gw.url));
      await eventually(async () => (await (await admin(gw, '/metrics')).json()).request_log.write_failures >= 1);
      expect((await fetch(`${gw.url}/health`)).status).toBe(200);
      expect(await chat(gw.url)).toBeTruthy();

      const metrics = await (await admin(gw, '/metrics')).json();
      expect(metrics.request_log).toMatchObject({ pending: 6, rows_dropped: { buffer_full: 0, unwritable: 0 }, last_error: { message: expect.stringContaining('SQLITE_BUSY') } });
      const text = await (await admin(gw, '/metrics?format=prometheus')).text();
      expect(Number(/^llm_router_log_write_failures_total (\d+)/m.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
      expect(text).toMatch(/^llm_router_log_rows_pending 6$/m);

      holder.exec('COMMIT');
      // No request needed: the backoff retry writes them.
      await eventually(async () => ids.every((id) => storedIds('locked.db').has(id)));
      expect((await (await admin(gw, '/metrics')).json()).request_log).toMatchObject({ pending: 0, failing_for: 0 });
    } finally {
      if (holder.inTransaction) holder.exec('ROLLBACK');
      holder.close();
      await stop(gw);
    }
    expect(gw.output()).toContain('SQLITE_BUSY');
  }, 30_000);

  it('after kill -9 under load, holds every answered request but the last of each client, three times over', async () => {
    // Default flush settings: a row is written within ROUTER_LOG_FLUSH_MS (20 ms) of its request's end.
    // Each client waits 100 ms between requests, so by its next answer its previous row must be written;
    // only the answer each client got last may still have been queued at the kill.
    const CLIENTS = 16;
    for (let round = 0; round < 3; round++) {
      const gw = await startGatewayProcess(envFor('kill.db'));
      const answered: string[] = [];
      let stop = false;
      const started = Date.now();
      // Bounded load: CLIENTS paced clients, at most 20 s or 2000 requests.
      const clients = Array.from({ length: CLIENTS }, async () => {
        while (!stop && answered.length < 2000 && Date.now() - started < 20_000) {
          try {
            answered.push(await chat(gw.url));
          } catch {
            return; // the process is gone
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      });
      // Killed once every client has had a few answers, however slow the machine is today.
      while (answered.length < CLIENTS * 4 && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 10));
      gw.child.kill('SIGKILL');
      stop = true;
      await Promise.all(clients);
      expect((await gw.exited).signal).toBe('SIGKILL');
      expect(answered.length).toBeGreaterThanOrEqual(CLIENTS * 4);
      const stored = storedIds('kill.db');
      const missing = answered.filter((id) => !stored.has(id));
      expect(missing.length, `round ${round}`).toBeLessThanOrEqual(CLIENTS);
    }
  }, 90_000);
});
