// The request log stays bounded whatever clients send: long model names and user agents are cut
// to their column sizes, and ROUTER_LOG_RETENTION_DAYS / ROUTER_LOG_MAX_ROWS prune old rows
// (off the request path, soon after start) while /metrics keeps its totals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { ConfigError, loadConfig } from '../service/config/gateway-config.ts';
import { openDatabase } from '../service/store/database.ts';
import { RequestLog, type RequestRecord } from '../service/store/request-log.ts';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { fakeKeys, fakeProviders, startGateway, type RunningGateway } from './support/start-gateway.ts';
import { until } from './support/until.ts';

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeOpenAI();
});
afterAll(async () => {
  await upstream?.close();
});

const options = (env: Record<string, string> = {}) => ({
  routerConfig: fakeProviders({ primary: upstream.baseURL }),
  env: { ...fakeKeys(['primary']), ROUTER_ADMIN_KEY: 'admin', ...env },
  chains: { conversation: ['primary/text'] },
});

function query<T>(gw: RunningGateway, sql: string, ...params: unknown[]): T[] {
  const db = new Database(gw.config.dbPath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

describe('request log bounds', () => {
  it('stores at most a few KB per request, however long the model name and user agent a client sends', async () => {
    const gw = await startGateway(options());
    try {
      const model = `primary/${'m'.repeat(2_000_000)}`;
      const res = await fetch(`${gw.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'u'.repeat(12_000) },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }] }),
      });
      await res.text();
      const id = res.headers.get('x-request-id');
      gw.gateway.log.flush();
      const [row] = query<Record<string, string | null>>(gw, 'SELECT requested_model, user_agent, error, attempts FROM requests WHERE id = ?', id);
      expect(row).toBeDefined();
      expect(row.requested_model?.length ?? 0).toBeLessThanOrEqual(256);
      expect(row.user_agent?.length ?? 0).toBeLessThanOrEqual(256);
      expect(row.error?.length ?? 0).toBeLessThanOrEqual(2000);
      expect(Object.values(row).reduce((n, v) => n + (v?.length ?? 0), 0)).toBeLessThan(12_000);
    } finally {
      await gw.close();
    }
  });

  it('prunes rows past ROUTER_LOG_RETENTION_DAYS and ROUTER_LOG_MAX_ROWS soon after start, keeping the newest', async () => {
    const first = await startGateway(options());
    await first.stop();
    // An older gateway's rows: 40 past the retention, 70 recent (20 past the row cap).
    const db = openDatabase(first.config.dbPath);
    const log = new RequestLog(db, { flushDelayMs: 60_000 });
    const now = Date.now();
    const row = (id: string, ts: number): RequestRecord => ({
      id, ts, category: 'conversation', classifierMethod: null, requestedModel: null, target: 'primary/text', status: 200, outcome: 'ok', attempts: [], totalMs: 5,
      ttfbMs: null, promptTokens: null, completionTokens: null, cachedTokens: null, reasoningTokens: null, costUsd: null, costSource: 'none', stream: false,
      usageEstimated: false, userAgent: null, error: null,
    });
    for (let i = 0; i < 40; i++) log.add(row(`old-${i}`, now - 10 * 86_400_000 - i));
    for (let i = 0; i < 70; i++) log.add(row(`new-${i}`, now - 60_000 + i));
    log.close();
    db.close();

    const gw = await startGateway({ ...options({ ROUTER_LOG_RETENTION_DAYS: '7', ROUTER_LOG_MAX_ROWS: '50' }), dir: first.dir });
    try {
      const ids = () => query<{ id: string }>(gw, 'SELECT id FROM requests').map((r) => r.id);
      await until(() => ids().length === 50, 10_000);
      expect(ids().filter((id) => id.startsWith('old-'))).toEqual([]);
      expect(ids()).toContain('new-69');
      // The answer to a request still goes in, and the roll-ups keep the pruned rows' totals.
      await gw.client().chat.completions.create({ model: 'router/conversation', messages: [{ role: 'user', content: 'hi' }] });
      const metrics = await (await fetch(`${gw.url}/metrics`, { headers: { authorization: 'Bearer admin' } })).json();
      expect(metrics.request_log.retention).toMatchObject({ retention_days: 7, max_rows: 50, rows_pruned: 60 });
      expect(metrics.requests.total).toBeGreaterThanOrEqual(71);
    } finally {
      await gw.close();
    }
  });

  it('reads the retention settings, defaulting to 30 days and a million rows, and refuses unusable ones', () => {
    expect(loadConfig({})).toMatchObject({ logRetentionDays: 30, logMaxRows: 1_000_000, logFlushMs: 20 });
    expect(loadConfig({ ROUTER_LOG_RETENTION_DAYS: '0.5', ROUTER_LOG_MAX_ROWS: '2000' })).toMatchObject({ logRetentionDays: 0.5, logMaxRows: 2000 });
    for (const [name, value] of [['ROUTER_LOG_RETENTION_DAYS', '-1'], ['ROUTER_LOG_MAX_ROWS', 'many'], ['ROUTER_LOG_RETENTION_DAYS', 'Infinity']]) {
      expect(() => loadConfig({ [name]: value }), `${name}=${value}`).toThrow(ConfigError);
    }
  });
});
