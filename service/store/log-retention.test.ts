import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './database.ts';
import { LogRetention } from './log-retention.ts';
import { HOUR_MS, MINUTE_MS } from './request-rollup.ts';
import { RequestLog, type RequestRecord } from './request-log.ts';

let db: Db;
const DAY = 24 * HOUR_MS;
const NOW = Date.UTC(2026, 10, 28, 12);

beforeEach(() => {
  db = openDatabase(':memory:');
});
afterEach(() => db.close());

/** Writes rows through the request log, which keeps their roll-ups. */
function seed(count: number, ts: (i: number) => number, prefix: string): void {
  const log = new RequestLog(db, { flushDelayMs: 60_000 });
  for (let i = 0; i < count; i++) {
    log.add({
      id: `${prefix}${i}`, ts: ts(i), category: null, classifierMethod: null, requestedModel: null, target: 'p/m', status: 200, outcome: 'ok', attempts: [], totalMs: 10,
      ttfbMs: null, promptTokens: null, completionTokens: null, cachedTokens: null, reasoningTokens: null, costUsd: null, costSource: 'none', stream: false,
      usageEstimated: false, userAgent: null, error: null,
    } satisfies RequestRecord);
  }
  log.close();
}
const count = (sql = 'SELECT COUNT(*) AS n FROM requests') => (db.prepare(sql).get() as { n: number }).n;

describe('LogRetention.pruneOnce', () => {
  it('deletes rows older than the retention, at most a batch per pass', () => {
    seed(25, (i) => NOW - 40 * DAY + i, 'old');
    seed(5, (i) => NOW - HOUR_MS + i, 'new');
    const retention = new LogRetention(db, { retentionDays: 30, maxRows: 1_000_000, batchRows: 10 });
    expect(retention.pruneOnce(NOW)).toEqual({ deleted: 10, more: true });
    retention.pruneOnce(NOW);
    expect(retention.pruneOnce(NOW)).toEqual({ deleted: 5, more: false });
    expect(count()).toBe(5);
    expect(count("SELECT COUNT(*) AS n FROM requests WHERE id LIKE 'old%'")).toBe(0);
    expect(retention.health()).toMatchObject({ rows_pruned: 25, prune_failures: 0 });
  });

  it('keeps the newest maxRows rows', () => {
    seed(30, (i) => NOW - 30_000 + i * 1000, 'r');
    const retention = new LogRetention(db, { retentionDays: 30, maxRows: 12, batchRows: 1000 });
    retention.pruneOnce(NOW);
    expect(count()).toBe(12);
    expect(count("SELECT COUNT(*) AS n FROM requests WHERE id IN ('r29', 'r18')")).toBe(2);
    expect(count("SELECT COUNT(*) AS n FROM requests WHERE id = 'r17'")).toBe(0);
  });

  it('drops minute roll-ups after two days and hour roll-ups with the rows, keeping the totals of newer hours', () => {
    seed(3, (i) => NOW - 3 * DAY + i * MINUTE_MS, 'a');
    seed(2, (i) => NOW - 40 * DAY + i, 'b');
    new LogRetention(db, { retentionDays: 30, maxRows: 1_000_000 }).pruneOnce(NOW);
    expect(count(`SELECT COUNT(*) AS n FROM request_rollup WHERE span = ${MINUTE_MS}`)).toBe(0);
    expect(count(`SELECT SUM(n) AS n FROM request_rollup WHERE span = ${HOUR_MS}`)).toBe(3);
  });
});
