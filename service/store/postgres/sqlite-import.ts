// Moves an existing SQLite store into an empty PostgreSQL one (scripts/sqlite-to-postgres.ts):
// every table the two share, in one PostgreSQL transaction, so a failed import leaves nothing
// behind. The roll-ups are copied as they are (the same sums over the same rows), so /metrics
// answers the same on both. The request log keeps its order: `seq` is given in (ts, rowid) order.
import type Database from 'better-sqlite3';
import { inTransaction, migratePostgres, type PgPool } from './pg-database.ts';

/** Tables copied, in this order, and the order their rows are read in. */
const TABLES: Array<[table: string, order: string]> = [
  ['categories', 'name'],
  ['settings', 'key'],
  ['config_audit', 'id'],
  ['breaker_events', 'id'],
  ['stored_responses', 'id'],
  ['requests', 'ts, rowid'],
  ['request_rollup', 'span, bucket, category, target'],
  ['attempt_rollup', 'span, bucket, target, kind'],
  // The response cache's entries (its byte total follows through PostgreSQL's trigger) and roll-up.
  ['response_cache', 'used'],
  ['cache_rollup', 'hour, category, target'],
];
/** Tables whose id PostgreSQL hands out from a sequence, moved past the copied ids. */
const SERIAL_IDS = ['config_audit', 'breaker_events'];
const ROWS_PER_STATEMENT = 1000;

export class ImportRefused extends Error {
  override name = 'ImportRefused';
}

/** Copies `sqlite` into the database behind `pool`; returns the rows copied by table. Refuses a PostgreSQL store that already holds rows. */
export async function importSqlite(sqlite: Database.Database, pool: PgPool): Promise<Record<string, number>> {
  await migratePostgres(pool);
  const copied: Record<string, number> = {};
  await inTransaction(pool, async (client) => {
    for (const [table] of TABLES) {
      const { rows } = await client.query(`SELECT EXISTS (SELECT 1 FROM ${table}) AS used`);
      if (rows[0].used) throw new ImportRefused(`PostgreSQL table ${table} already holds rows: the import needs an empty PostgreSQL store`);
    }
    for (const [table, order] of TABLES) {
      const sqliteColumns = new Set((sqlite.pragma(`table_info(${table})`) as Array<{ name: string }>).map((c) => c.name));
      if (sqliteColumns.size === 0) continue;
      const { rows: pgColumns } = await client.query<{ column_name: string; data_type: string }>(
        'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position',
        [table],
      );
      const columns = pgColumns.filter((c) => sqliteColumns.has(c.column_name));
      const names = columns.map((c) => c.column_name).join(', ');
      const insert = `INSERT INTO ${table} (${names}) SELECT ${names} FROM json_to_recordset($1::json) AS x(${columns.map((c) => `${c.column_name} ${c.data_type}`).join(', ')})`;
      let chunk: unknown[] = [];
      let count = 0;
      for (const row of sqlite.prepare(`SELECT ${names} FROM ${table} ORDER BY ${order}`).iterate() as Iterable<Record<string, unknown>>) {
        chunk.push(withoutNul(row));
        if (chunk.length === ROWS_PER_STATEMENT) {
          await client.query(insert, [JSON.stringify(chunk)]);
          count += chunk.length;
          chunk = [];
        }
      }
      if (chunk.length > 0) await client.query(insert, [JSON.stringify(chunk)]);
      copied[table] = count + chunk.length;
    }
    for (const table of SERIAL_IDS) {
      await client.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), COALESCE((SELECT MAX(id) FROM ${table}), 0) + 1, false)`);
    }
    // Recency goes on after the copied entries', so a hit here is newer than any copied one.
    await client.query(`SELECT setval('response_cache_recency', COALESCE((SELECT MAX(used) FROM response_cache), 0) + 1, false)`);
  });
  return copied;
}

/** PostgreSQL's text cannot hold U+0000 (SQLite's can): stored as U+FFFD, as the request log does. */
function withoutNul(row: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(row)) {
    if (typeof value === 'string' && value.includes('\u0000')) row[key] = value.replaceAll('\u0000', '\uFFFD');
  }
  return row;
}
