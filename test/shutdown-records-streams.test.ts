// SIGTERM with streams in flight: each stream the shutdown cuts is recorded (client_closed or
// partial) before the log's last flush, and the process still exits 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { startGatewayProcess, writeGatewayFiles } from './support/gateway-process.ts';

let upstream: FakeUpstream;
let dir: string;

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  dir = mkdtempSync(path.join(tmpdir(), 'router-shutdown-'));
});
afterAll(async () => {
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('records every stream cut by a shutdown before the last flush', async () => {
  const files = writeGatewayFiles(dir, { providers: { fake: { type: 'openai', baseURL: upstream.baseURL } } }, () => ['fake/text']);
  const db = path.join(dir, 'router.db');
  const gw = await startGatewayProcess({ ...files, ROUTER_DB: db, ROUTER_LOG_FLUSH_MS: '60000', ROUTER_SHUTDOWN_GRACE_MS: '300' });
  const streams = await Promise.all(
    [1, 2, 3].map(async () => {
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fake/drip:50', stream: true, messages: [{ role: 'user', content: 'count slowly' }] }),
      });
      const reader = res.body!.getReader();
      await reader.read(); // the first content has arrived: the stream is in flight
      return { id: res.headers.get('x-request-id')!, reader };
    }),
  );
  gw.child.kill('SIGTERM');
  // Keep reading, as a client would, until the gateway cuts the streams.
  await Promise.all(streams.map(async ({ reader }) => {
    for (;;) {
      const next = await reader.read().catch(() => ({ done: true }));
      if (next.done) return;
    }
  }));
  const { code } = await gw.exited;
  expect(code).toBe(0);
  const sqlite = new Database(db, { readonly: true });
  const rows = sqlite.prepare(`SELECT id, status, outcome FROM requests WHERE id IN (${streams.map(() => '?').join(',')})`).all(...streams.map((s) => s.id)) as Array<{ outcome: string }>;
  sqlite.close();
  expect(rows).toHaveLength(3);
  for (const row of rows) expect(['client_closed', 'partial']).toContain(row.outcome);
}, 30_000);
