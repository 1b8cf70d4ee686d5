import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Database from 'better-sqlite3';
import { openDatabase, type Db } from './database.ts';
import { RequestLog, type RequestRecord } from './request-log.ts';
import { until } from '../../test/support/until.ts';

let dir: string;
let db: Db;
let other: Db;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'request-log-'));
  db = openDatabase(path.join(dir, 'router.db'));
  other = new Database(path.join(dir, 'router.db'));
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.restoreAllMocks();
  if (other.inTransaction) other.exec('ROLLBACK');
  other.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const record = (id: string, extra: Partial<Record<keyof RequestRecord, unknown>> = {}): RequestRecord =>
  ({
    id, ts: Date.now(), category: 'code', classifierMethod: 'keyword', requestedModel: 'router', target: 'p/m', status: 200, outcome: 'ok', attempts: [],
    totalMs: 10, ttfbMs: 2, promptTokens: 5, completionTokens: 1, cachedTokens: null, reasoningTokens: null, costUsd: null, costSource: 'unpriced',
    stream: false, usageEstimated: false, userAgent: null, error: null, ...extra,
  }) as RequestRecord;

const ids = () => (other.prepare('SELECT id FROM requests ORDER BY id').all() as Array<{ id: string }>).map((r) => r.id);

describe('RequestLog', () => {
  it('writes odd token counts as null alongside the good rows of the same batch', () => {
    const log = new RequestLog(db, { flushDelayMs: 60_000 });
    log.add(record('good-1'));
    log.add(record('object', { promptTokens: { total: 3 }, completionTokens: [1], cachedTokens: true, costSource: {}, costUsd: '1' }));
    log.add(record('good-2'));
    expect(log.flush()).toBe(3);
    expect(ids()).toEqual(['good-1', 'good-2', 'object']);
    expect(other.prepare("SELECT prompt_tokens, completion_tokens, cached_tokens FROM requests WHERE id = 'object'").get()).toEqual({ prompt_tokens: null, completion_tokens: null, cached_tokens: null });
  });

  it('drops a row SQLite rejects alone, keeping the rest of the batch', () => {
    db.exec("CREATE TRIGGER poison BEFORE INSERT ON requests WHEN NEW.id = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned row'); END;");
    const log = new RequestLog(db, { flushDelayMs: 60_000 });
    for (const id of ['a', 'poison', 'b']) log.add(record(id));
    expect(log.flush()).toBe(2);
    expect(ids()).toEqual(['a', 'b']);
    expect(log.health().rows_dropped).toEqual({ buffer_full: 0, unwritable: 1 });
  });

  it('keeps the rows when SQLite is locked by another connection, reports it, and writes them once it is free', async () => {
    const log = new RequestLog(db, { flushDelayMs: 0 });
    other.exec('BEGIN IMMEDIATE');
    log.add(record('a'));
    log.add(record('b'));
    // The end-of-turn flush meets the lock: it must neither throw out of the timer nor lose the rows.
    await until(() => log.health().write_failures >= 1);
    expect(log.flush()).toBe(0);
    expect(log.health()).toMatchObject({ pending: 2, failing_for: 2, last_error: { message: expect.stringContaining('SQLITE_BUSY') } });
    other.exec('COMMIT');
    // The backoff retry writes them without anyone calling flush().
    await until(() => log.pending === 0);
    expect(ids()).toEqual(['a', 'b']);
    expect(log.health()).toMatchObject({ rows_written: 2, failing_for: 0 });
  });

  it('holds at most maxBufferedRows while writes are refused, dropping and counting the oldest', () => {
    const log = new RequestLog(db, { flushDelayMs: 60_000, maxBufferedRows: 3 });
    other.exec('BEGIN IMMEDIATE');
    for (const id of ['1', '2']) log.add(record(id));
    log.flush();
    for (const id of ['3', '4', '5']) log.add(record(id));
    expect(log.pending).toBe(3);
    expect(log.health().rows_dropped.buffer_full).toBe(2);
    other.exec('COMMIT');
    expect(log.flush()).toBe(3);
    expect(ids()).toEqual(['3', '4', '5']);
  });

  it('never throws from flush once the database is closed', () => {
    const log = new RequestLog(db, { flushDelayMs: 60_000 });
    log.add(record('late'));
    db.close();
    expect(log.flush()).toBe(0);
    db = openDatabase(path.join(dir, 'router.db'));
  });
});
