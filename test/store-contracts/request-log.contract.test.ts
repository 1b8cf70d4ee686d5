// One contract, two stores: the request log behaves alike on SQLite and PostgreSQL (what /metrics
// and /requests show for the same requests).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RequestRecord } from '../../service/store/request-log.ts';
import { CursorError } from '../../service/store/request-query.ts';
import { startPostgres, type PostgresServer } from '../support/postgres-server.ts';
import { openPostgresRequestLog, openSqliteRequestLog, type OpenRequestLog } from './request-log-backends.ts';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.close());

const NOW = Date.UTC(2026, 10, 28, 12, 30, 0);

const record = (id: string, extra: Partial<RequestRecord> = {}): RequestRecord => ({
  id, ts: NOW - 60_000, category: 'code', classifierMethod: 'keyword', requestedModel: 'router', target: 'p/m', status: 200, outcome: 'ok',
  attempts: [{ target: 'p/m', outcome: 'ok', ms: 40 }], totalMs: 50, ttfbMs: 20, promptTokens: 10, completionTokens: 5, cachedTokens: null,
  reasoningTokens: null, costUsd: 0.001, costSource: 'pricing', stream: false, usageEstimated: false, userAgent: 'OpenAI/JS 7', error: null, ...extra,
});

const backends: Array<[string, () => Promise<OpenRequestLog>]> = [
  ['SQLite', async () => openSqliteRequestLog()],
  ['PostgreSQL', () => openPostgresRequestLog(server)],
];

describe.each(backends)('request log contract: %s', (_name, open) => {
  let log: OpenRequestLog;
  beforeEach(async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    log = await open();
  });
  afterEach(async () => {
    await log.close();
    vi.restoreAllMocks();
  });

  it('lists written rows newest first, finds one by id, and stores a repeated id once', async () => {
    log.writer.add(record('a', { ts: NOW - 3000 }));
    log.writer.add(record('b', { ts: NOW - 2000, stream: true, classification: { confidence: 0.8, reasons: ['keyword'] } }));
    log.writer.add(record('a', { ts: NOW - 1000 }));
    await log.writer.flush();
    const page = await log.reader.list({}, 10, null);
    expect(page.data.map((r) => r.id)).toEqual(['b', 'a']);
    expect(page.next_cursor).toBeNull();
    const b = await log.reader.get('b');
    expect(b).toMatchObject({ id: 'b', timestamp: new Date(NOW - 2000).toISOString(), stream: true, usage_estimated: false, classification: { confidence: 0.8, reasons: ['keyword'] } });
    expect(b?.attempts).toEqual([{ target: 'p/m', outcome: 'ok', ms: 40 }]);
    expect(await log.reader.get('missing')).toBeUndefined();
    expect(log.writer.health()).toMatchObject({ pending: 0, rows_written: 2, failing_for: 0 });
  });

  it('pages with a cursor and filters by column and user-agent text', async () => {
    for (let i = 0; i < 25; i++) log.writer.add(record(`r${i}`, { ts: NOW - 100_000 + i, category: i % 2 ? 'code' : 'chat', userAgent: i === 7 ? 'claude-cli/2' : 'OpenAI/JS 7' }));
    await log.writer.flush();
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 5; pages++) {
      const page = await log.reader.list({}, 10, cursor);
      seen.push(...page.data.map((r) => r.id));
      cursor = page.next_cursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `r${24 - i}`));
    expect((await log.reader.list({ category: 'chat' }, 100, null)).data).toHaveLength(13);
    expect((await log.reader.list({ userAgent: 'claude-cli' }, 100, null)).data.map((r) => r.id)).toEqual(['r7']);
    expect((await log.reader.list({ since: NOW - 100_000 + 20 }, 100, null)).data).toHaveLength(5);
    await expect(log.reader.list({}, 10, 'bm90LWEtY3Vyc29y')).rejects.toBeInstanceOf(CursorError);
  });

  it('sums /metrics from the roll-ups: totals, costs by source, per-target latency and attempts', async () => {
    log.writer.add(record('ok-1', { totalMs: 100 }));
    log.writer.add(record('ok-2', { totalMs: 300, costSource: 'upstream', costUsd: 0.01 }));
    log.writer.add(record('failed', { outcome: 'error', status: 502, target: null, costUsd: null, costSource: 'none', attempts: [{ target: 'p/m', outcome: 'error', status: 429, ms: 5 }, { target: 'q/n', outcome: 'error', kind: 'timeout', ms: 900 }] }));
    log.writer.add(record('closed', { outcome: 'client_closed', status: 499 }));
    log.writer.add(record('old', { ts: NOW - 3 * 3_600_000 }));
    const summary = await log.reader.metrics(3_600_000, NOW);
    expect(summary.requests).toEqual({ total: 4, success: 2, failed: 1, client_closed: 1 });
    expect(summary.total_cost_usd).toBe(0.012);
    expect(summary.cost.by_source).toEqual({ pricing: 0.002, upstream: 0.01 });
    expect(summary.model_distribution).toEqual({ 'p/m': 3 });
    expect(summary.category_distribution).toEqual({ code: 4 });
    expect(summary.targets['p/m']).toMatchObject({ calls: 3, success_rate: 0.6667, p95_latency_ms: 300 });
    expect(summary.targets['p/m'].attempts).toMatchObject({ calls: 4, errors: { http_429: 1 } });
    expect(summary.targets['q/n'].attempts).toMatchObject({ calls: 1, errors: { timeout: 1 }, success_rate: 0 });
    expect(summary.recent_requests.map((r) => (r as { id: string }).id)).toHaveLength(4);
    expect((await log.reader.metrics(null, NOW)).requests.total).toBe(5);
  });

  it('counts requests refused for their client key without storing them', async () => {
    log.writer.countUnauthenticated();
    await log.writer.flush();
    expect(log.writer.health()).toMatchObject({ unauthenticated_requests: 1, rows_written: 0 });
    expect((await log.reader.list({}, 10, null)).data).toEqual([]);
  });
});

describe('request log: SQLite and PostgreSQL agree', () => {
  it('show the same /metrics and /requests for the same requests', async () => {
    const logs = [openSqliteRequestLog(), await openPostgresRequestLog(server)];
    try {
      const records = Array.from({ length: 200 }, (_, i) =>
        record(`x${i}`, {
          ts: NOW - i * 37_000,
          category: ['code', 'chat', 'math'][i % 3],
          target: i % 5 === 0 ? null : `p/m${i % 4}`,
          outcome: i % 7 === 0 ? 'error' : 'ok',
          totalMs: (i * 13) % 997,
          costUsd: i % 4 === 0 ? null : i / 10_000,
          costSource: i % 4 === 0 ? 'unpriced' : 'pricing',
          usageEstimated: i % 6 === 0,
        }),
      );
      const outputs = [];
      for (const log of logs) {
        for (const r of records) log.writer.add(r);
        await log.writer.flush();
        outputs.push({ metrics: await log.reader.metrics(3 * 3_600_000, NOW), whole: await log.reader.metrics(null, NOW), page: await log.reader.list({ category: 'chat' }, 30, null) });
      }
      expect(outputs[1]).toEqual(outputs[0]);
    } finally {
      await Promise.all(logs.map((l) => l.close()));
    }
  });
});
