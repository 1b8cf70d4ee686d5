// The request log's two implementations, each opened on an empty store, for the contract suite.
import { openDatabase } from '../../service/store/database.ts';
import { RequestLog } from '../../service/store/request-log.ts';
import { SqliteRequestLogReader } from '../../service/store/request-log-reader.ts';
import type { RequestLogReader, RequestLogWriter } from '../../service/store/request-log-contract.ts';
import { createPgPool, migratePostgres } from '../../service/store/postgres/pg-database.ts';
import { PgRequestLog } from '../../service/store/postgres/pg-request-log.ts';
import { PgRequestLogReader } from '../../service/store/postgres/pg-request-log-reader.ts';
import type { PostgresServer } from '../support/postgres-server.ts';

export interface OpenRequestLog {
  writer: RequestLogWriter;
  reader: RequestLogReader;
  close(): Promise<void>;
}

export function openSqliteRequestLog(): OpenRequestLog {
  const db = openDatabase(':memory:');
  const writer = new RequestLog(db, { flushDelayMs: 60_000 });
  return {
    writer,
    reader: new SqliteRequestLogReader(db, writer),
    async close() {
      writer.close();
      db.close();
    },
  };
}

export async function openPostgresRequestLog(server: PostgresServer): Promise<OpenRequestLog> {
  const pool = createPgPool(await server.createDatabase());
  await migratePostgres(pool);
  const writer = new PgRequestLog(pool, { flushDelayMs: 60_000 });
  return {
    writer,
    reader: new PgRequestLogReader(pool, writer),
    async close() {
      await writer.close();
      await pool.end();
    },
  };
}
