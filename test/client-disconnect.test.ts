// A client that goes away: the upstream call is aborted through the SDK's signal, and the
// request is recorded as closed by the client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { startGateway, type RunningGateway } from './support/start-gateway.ts';
import { until } from './support/until.ts';

let upstream: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  gw = await startGateway({ routerConfig: { providers: { fake: { type: 'openai', baseURL: upstream.baseURL } } } });
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

async function lastRecord(model: string): Promise<Record<string, any>> {
  // The row is written when the gateway notices the close; give it a moment.
  for (let i = 0; i < 40; i++) {
    gw.gateway.log.flush();
    const db = new Database(gw.config.dbPath, { readonly: true });
    const row = db.prepare('SELECT * FROM requests WHERE requested_model = ? ORDER BY ts DESC LIMIT 1').get(model) as Record<string, any> | undefined;
    db.close();
    if (row) return row;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no record for ${model}`);
}


describe('client disconnect', () => {
  it('aborts a pending plain request upstream and records it as closed by the client', async () => {
    const before = upstream.closedEarly();
    const controller = new AbortController();
    const pending = fetch(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake/slow:3000', messages: [{ role: 'user', content: 'hi' }] }),
      signal: controller.signal,
    });
    await until(() => upstream.calls('slow:3000') === 1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await until(() => upstream.closedEarly() === before + 1);
    const row = await lastRecord('fake/slow:3000');
    expect(row).toMatchObject({ outcome: 'client_closed', status: 499, target: null });
    expect(JSON.parse(row.attempts)[0]).toMatchObject({ target: 'fake/slow:3000', outcome: 'error' });
  });

  it('stops the upstream stream when the client leaves mid-stream and records what was sent', async () => {
    const before = upstream.closedEarly();
    const controller = new AbortController();
    const res = await fetch(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake/drip:50', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.read();
    controller.abort();
    await until(() => upstream.closedEarly() === before + 1);
    const row = await lastRecord('fake/drip:50');
    expect(row).toMatchObject({ outcome: 'client_closed', status: 200, target: 'fake/drip:50', stream: 1 });
    expect(row.completion_tokens).toBeGreaterThan(0);
    // Breakers are not fooled by a client leaving: no failure for the target.
    await until(() => (gw.gateway.breakers.snapshot().find((b) => b.target === 'fake/drip:50')?.failures ?? 0) === 0);
  });
});
