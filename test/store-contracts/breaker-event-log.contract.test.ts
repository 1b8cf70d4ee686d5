// The breaker history on SQLite and on PostgreSQL: the same newest-first answers; and on
// PostgreSQL, add() stays a plain call while the server is down, the queue is bounded (the
// excess counted as dropped), and what is queued is written once the server is back.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../service/store/database.ts';
import { BreakerEventLog } from '../../service/store/breaker-event-log.ts';
import type { BreakerEventLogContract } from '../../service/store/breaker-event-log-contract.ts';
import { createPgPool, migratePostgres, type PgPool } from '../../service/store/postgres/pg-database.ts';
import { PgBreakerEventLog } from '../../service/store/postgres/pg-breaker-event-log.ts';
import { usePostgresServer } from '../support/postgres-server.ts';

const { server, cleanups } = usePostgresServer();

async function pgPool(): Promise<PgPool> {
  const pool = createPgPool(await server().createDatabase(), { connectTimeoutMs: 1000 });
  cleanups.push(() => pool.end());
  await migratePostgres(pool);
  return pool;
}

const backends: Array<[string, () => Promise<BreakerEventLogContract>]> = [
  [
    'SQLite',
    async () => {
      const db = openDatabase(':memory:');
      cleanups.push(() => db.close());
      return new BreakerEventLog(db);
    },
  ],
  ['PostgreSQL', async () => new PgBreakerEventLog(await pgPool(), { flushDelayMs: 10 })],
];

describe.each(backends)('breaker event log contract: %s', (_name, open) => {
  it('answers newest first, before and after the events are written', async () => {
    const log = await open();
    log.add('p/m', 'open');
    log.add('p/m', 'halfOpen');
    log.add('q/n', 'open');
    const expected = [
      ['q/n', 'open'],
      ['p/m', 'halfOpen'],
    ];
    expect((await log.recent(2)).map((e) => [e.target, e.state])).toEqual(expected);
    await log.close();
    expect((await log.recent(2)).map((e) => [e.target, e.state])).toEqual(expected);
    expect((await log.recent()).map((e) => e.state)).toEqual(['open', 'halfOpen', 'open']);
    expect(log.writeFailures).toBe(0);
  });
});

describe('PostgreSQL breaker history while PostgreSQL is down', () => {
  it('keeps add() a plain call, bounds the queue, counts what it dropped and writes the rest once back', async () => {
    const pool = await pgPool();
    const log = new PgBreakerEventLog(pool, { flushDelayMs: 10, maxBuffered: 5 });
    await server().stop();
    try {
      for (let i = 0; i < 8; i++) expect(log.add('p/m', `s${i}`)).toBeUndefined();
      await log.flush();
      expect(log.pending).toBe(5);
      expect(log.writeFailures).toBe(3);
    } finally {
      await server().start();
    }
    await log.flush();
    expect(log.pending).toBe(0);
    const { rows } = await pool.query('SELECT state FROM breaker_events ORDER BY id');
    expect(rows.map((r) => r.state)).toEqual(['s3', 's4', 's5', 's6', 's7']);
    await log.close();
  });

  it('another replica reads the events this one stored', async () => {
    const pool = await pgPool();
    const a = new PgBreakerEventLog(pool);
    a.add('p/m', 'open');
    await a.close();
    const other = createPgPool(pool.options.connectionString!);
    cleanups.push(() => other.end());
    expect((await new PgBreakerEventLog(other).recent()).map((e) => [e.target, e.state])).toEqual([['p/m', 'open']]);
  });
});
