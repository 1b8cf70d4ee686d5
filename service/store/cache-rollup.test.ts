import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './database.ts';
import { CacheRollup } from './cache-rollup.ts';
import type { RequestRecord } from './request-log.ts';

const HOUR = 3_600_000;
const now = 100 * HOUR + 1000;
let db: Db;
let rollup: CacheRollup;
afterEach(() => {
  rollup?.close();
  db?.close();
});

const record = (cache: string | null, ts: number, saved: number | null = null): RequestRecord =>
  ({ id: String(Math.random()), ts, category: 'code', target: 'p/m', cache, costSavedUsd: saved }) as unknown as RequestRecord;

describe('CacheRollup', () => {
  it('sums hits, misses, bypasses, refreshes and savings over whole hours of the window', () => {
    db = openDatabase(':memory:');
    rollup = new CacheRollup(db);
    for (const r of [record('HIT', now, 0.5), record('HIT', now - 3 * HOUR, 0.25), record('MISS', now), record('BYPASS', now), record('REFRESH', now), record(null, now)]) rollup.add(r);
    expect(rollup.query(null, now)).toEqual({ hits: 2, misses: 1, bypassed: 1, refreshed: 1, hit_rate: 0.6667, saved_usd: 0.75 });
    expect(rollup.query(HOUR, now)).toEqual({ hits: 1, misses: 1, bypassed: 1, refreshed: 1, hit_rate: 0.5, saved_usd: 0.5 });
    rollup.add(record('HIT', now, 0.5));
    expect(rollup.query(HOUR, now).hits).toBe(2);
  });

  it('keeps the counts when SQLite refuses the write, and writes them once it can', () => {
    db = openDatabase(':memory:');
    rollup = new CacheRollup(db);
    rollup.add(record('HIT', now, 1));
    db.exec('ALTER TABLE cache_rollup RENAME TO cache_rollup_away');
    rollup.flush();
    expect(rollup.writeFailures).toBe(1);
    db.exec('ALTER TABLE cache_rollup_away RENAME TO cache_rollup');
    expect(rollup.query(null, now)).toMatchObject({ hits: 1, saved_usd: 1 });
  });
});
