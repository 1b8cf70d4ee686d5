// Replicas starting together on one empty database: every one comes up, each migration applied once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../support/postgres-server.ts';
import { createPgPool, migratePostgres } from '../../service/store/postgres/pg-database.ts';
import { PG_MIGRATIONS } from '../../service/store/postgres/pg-schema.ts';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.close());

describe('PostgreSQL migrations', () => {
  it('run once when several replicas start at the same moment on an empty database', async () => {
    const url = await server.createDatabase();
    const pools = Array.from({ length: 4 }, () => createPgPool(url));
    try {
      const applied = await Promise.all(pools.map((pool) => migratePostgres(pool)));
      // Exactly one replica applied the migrations; the others waited on the lock and found them in.
      expect(applied.filter((a) => a.length > 0)).toEqual([PG_MIGRATIONS.map((_, i) => i + 1)]);
      const { rows } = await pools[0].query('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((_, i) => i + 1));
      // A later start finds nothing to do.
      expect(await migratePostgres(pools[0])).toEqual([]);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });
});
