// Moves an existing SQLite store (ROUTER_DB) into an empty PostgreSQL database, for the day the
// gateway runs as several replicas on PostgreSQL. Stop the gateway first: rows it writes during
// the copy would not be copied. The SQLite file is opened read-only and left as it was.
//
//   node scripts/sqlite-to-postgres.ts --from data/router.db --to postgres://user:pass@host/db
import Database from 'better-sqlite3';
import { createPgPool, redactUrl } from '../service/store/postgres/pg-database.ts';
import { ImportRefused, importSqlite } from '../service/store/postgres/sqlite-import.ts';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

const from = option('--from') ?? process.env.ROUTER_DB;
const to = option('--to') ?? process.env.ROUTER_DATABASE_URL;
if (!from || !to) {
  console.error('usage: node scripts/sqlite-to-postgres.ts --from <sqlite file> --to postgres://user:pass@host:port/db');
  process.exit(2);
}

let sqlite: Database.Database;
try {
  sqlite = new Database(from, { readonly: true, fileMustExist: true });
} catch (error) {
  console.error(`cannot open ${from}: ${(error as Error).message}`);
  process.exit(1);
}
const pool = createPgPool(to, { max: 1 });
try {
  const copied = await importSqlite(sqlite, pool);
  for (const [table, rows] of Object.entries(copied)) console.log(`${table}: ${rows} rows`);
  console.log(`copied ${from} into ${redactUrl(to)}`);
} catch (error) {
  console.error(error instanceof ImportRefused ? error.message : `import failed, nothing was written: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  sqlite.close();
  await pool.end();
}
