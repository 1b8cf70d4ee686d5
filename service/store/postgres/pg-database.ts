// The PostgreSQL store's connection pool and schema. Replicas that start together all try to
// migrate: the migrations run under a session advisory lock, so one applies them and the others
// wait, then find them applied (schema_migrations says which versions are in).
import pg from 'pg';
import { PG_MIGRATIONS } from './pg-schema.ts';

export type PgPool = pg.Pool;

/** Any number of ours; the advisory lock's key, the same in every replica. */
const MIGRATION_LOCK_KEY = 7_318_004_118;

// COUNT, SUM over integers and BIGINT columns come back as strings by default; every value this
// store reads fits a double.
const NUMERIC_OIDS = new Set([20, 1700]);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    NUMERIC_OIDS.has(oid) ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export interface PgPoolOptions {
  /** Connections per replica; the request log uses one at a time, the readers the rest. */
  max?: number;
  /** How long a query waits for a connection, or for PostgreSQL to accept one. */
  connectTimeoutMs?: number;
}

export function createPgPool(url: string, options: PgPoolOptions = {}): PgPool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 5,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    // A query PostgreSQL never answers (a network partition) must not hold a connection forever.
    query_timeout: 30_000,
    types,
  });
  // An idle connection that PostgreSQL drops (restart, failover) emits here; the pool replaces it.
  // A pool being ended still hears the server close its connections: nothing to report then.
  pool.on('error', (error) => {
    if (!pool.ending) console.error(`[router] PostgreSQL connection lost: ${error.message}`);
  });
  // A connection cut while its client is checked out (in a transaction) rejects the query in flight
  // and also emits on the client, where the pool listens only while the client is idle: without
  // this, PostgreSQL going away mid-write was an uncaught exception.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/**
 * Runs `work` in one transaction on a connection of its own: committed when it resolves, rolled back
 * (and the error passed on) when it throws; the connection always goes back to the pool.
 */
export async function inTransaction<T>(pool: PgPool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Brings the schema up to date; returns the versions this call applied (none when another replica did). */
export async function migratePostgres(pool: PgPool): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
      const { rows } = await client.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
      for (let v = (rows[0].v ?? 0) + 1; v <= PG_MIGRATIONS.length; v++) {
        await client.query('BEGIN');
        try {
          await client.query(PG_MIGRATIONS[v - 1]);
          await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [v]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw new Error(`PostgreSQL migration ${v} failed: ${(error as Error).message}`, { cause: error });
        }
        applied.push(v);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    }
  } finally {
    client.release();
  }
  return applied;
}

export { redactUrl } from './redact-url.ts';
