// Upgrading a database whose log predates the roll-ups: the migrations roll up the existing rows
// the same way the request log rolls up the rows it writes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './database.ts';
import { attemptKind } from './attempt-rollup.ts';
import { RequestLog, type RequestRecord } from './request-log.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'rollup-backfill-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const NOW = Date.UTC(2026, 10, 28, 9, 30);
const records: RequestRecord[] = Array.from({ length: 40 }, (_, i) => ({
  id: `r${i}`, ts: NOW - i * 7 * 60_000, category: i % 3 ? 'code' : null, classifierMethod: 'keyword', requestedModel: 'router', target: i % 5 ? `p/m${i % 2}` : null,
  status: i % 5 ? 200 : 503, outcome: i % 5 ? (i % 7 ? 'ok' : 'client_closed') : 'error',
  attempts: [
    { target: 'p/bad', outcome: i % 2 ? 'error' : 'breaker_open', ms: i % 2 ? 30 + i : 0, ...(i % 2 ? { status: i % 4 === 1 ? 503 : undefined, kind: i % 4 === 1 ? 'http' : 'timeout' } : {}) },
    ...(i % 5 ? [{ target: `p/m${i % 2}`, outcome: 'ok', ms: 100 + i * 3 }] : []),
  ],
  totalMs: 150 + i * 11, ttfbMs: i % 2 ? 20 + i : null, promptTokens: 10 + i, completionTokens: i % 4 ? 5 : null, cachedTokens: null, reasoningTokens: i % 3 ? 1 : null,
  costUsd: i % 6 ? 0.001 * i : null, costSource: i % 6 ? (i % 4 ? 'pricing' : 'upstream') : 'unpriced', stream: i % 2 === 0, usageEstimated: i % 8 === 0, userAgent: null, error: null,
}));

const rollups = (db: Db) => ({
  requests: db.prepare('SELECT * FROM request_rollup ORDER BY span, bucket, category, target').all(),
  attempts: db.prepare('SELECT * FROM attempt_rollup ORDER BY span, bucket, target, kind').all(),
});

describe('roll-up migrations', () => {
  it('roll up an existing log exactly as the log rolls up what it writes', () => {
    const file = path.join(dir, 'router.db');
    let db = openDatabase(file);
    const log = new RequestLog(db, { flushDelayMs: 60_000 });
    for (const r of records) log.add(r);
    log.close();
    const written = rollups(db);
    expect(written.attempts.length).toBeGreaterThan(4);

    // Back to the schema before the roll-ups, keeping the rows; reopening migrates again.
    db.exec('DROP TABLE request_rollup; DROP TABLE attempt_rollup; ALTER TABLE requests DROP COLUMN classification; PRAGMA user_version = 3;');
    // The response cache's migration (later) is undone too, so it can run again.
    db.exec('DROP TABLE response_cache; DROP TABLE cache_rollup; ALTER TABLE requests DROP COLUMN cache; ALTER TABLE requests DROP COLUMN cost_saved_usd;');
    db.close();
    db = openDatabase(file);
    expect(rollups(db)).toEqual(written);
    db.close();
  });
});

describe('attemptKind', () => {
  it('names errors by status, else by how they failed', () => {
    expect(attemptKind('ok', null, null)).toBe('ok');
    expect(attemptKind('breaker_open', null, null)).toBe('breaker_open');
    expect(attemptKind('error', 429, 'http')).toBe('error:http_429');
    expect(attemptKind('error', 502, null)).toBe('error:http_502');
    expect(attemptKind('error', null, 'timeout')).toBe('error:timeout');
    expect(attemptKind('error', null, null)).toBe('error:unknown');
  });
});
