// Opens the SQLite file (creating its folder) and brings the schema up to date.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ROLLUP_MIGRATION } from './request-rollup.ts';
import { ATTEMPT_ROLLUP_MIGRATION } from './attempt-rollup.ts';
import { CACHE_ROLLUP_TABLE } from './cache-rollup.ts';

export type Db = Database.Database;

const MIGRATIONS: string[] = [
  `CREATE TABLE requests (
     id TEXT PRIMARY KEY,
     ts INTEGER NOT NULL,
     category TEXT,
     classifier_method TEXT,
     requested_model TEXT,
     target TEXT,
     status INTEGER NOT NULL,
     outcome TEXT NOT NULL,
     attempts TEXT NOT NULL,
     attempt_count INTEGER NOT NULL,
     total_ms REAL NOT NULL,
     ttfb_ms REAL,
     prompt_tokens INTEGER,
     completion_tokens INTEGER,
     cached_tokens INTEGER,
     reasoning_tokens INTEGER,
     cost_usd REAL,
     cost_source TEXT,
     stream INTEGER NOT NULL,
     user_agent TEXT,
     error TEXT
   );
   CREATE INDEX requests_ts ON requests(ts);
   CREATE TABLE categories (
     name TEXT PRIMARY KEY,
     position INTEGER NOT NULL,
     definition TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE breaker_events (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     ts INTEGER NOT NULL,
     target TEXT NOT NULL,
     state TEXT NOT NULL
   );
   CREATE TABLE config_audit (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     ts INTEGER NOT NULL,
     route TEXT NOT NULL,
     old_value TEXT,
     new_value TEXT
   );`,
  `ALTER TABLE requests ADD COLUMN usage_estimated INTEGER NOT NULL DEFAULT 0;`,
  `CREATE TABLE settings (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );`,
  ROLLUP_MIGRATION,
  `ALTER TABLE requests ADD COLUMN classification TEXT;\n${ATTEMPT_ROLLUP_MIGRATION}`,
  // /v1/responses with store: true: a response's conversation items, for previous_response_id.
  `CREATE TABLE IF NOT EXISTS stored_responses (
     id TEXT PRIMARY KEY,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     items TEXT NOT NULL
   );
   CREATE INDEX IF NOT EXISTS stored_responses_expiry ON stored_responses (expires_at);`,
  // The dashboard's share of each classifier method: counted over index ranges (metrics-series.ts).
  `CREATE INDEX IF NOT EXISTS requests_method_ts ON requests(classifier_method, ts);`,
  // The response cache (service/cache): answers by key, and each request's cache outcome and saving.
  `CREATE TABLE response_cache (
     key TEXT PRIMARY KEY,
     category TEXT NOT NULL,
     target TEXT NOT NULL,
     kind TEXT NOT NULL,
     body TEXT NOT NULL,
     bytes INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     used INTEGER NOT NULL,
     hits INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX response_cache_used ON response_cache(used);
   CREATE INDEX response_cache_expires ON response_cache(expires_at);
   CREATE INDEX response_cache_category ON response_cache(category);
   ALTER TABLE requests ADD COLUMN cache TEXT;
   ALTER TABLE requests ADD COLUMN cost_saved_usd REAL;
   ${CACHE_ROLLUP_TABLE}`,
];

/**
 * How long a write waits for a lock another process holds. Every write runs on the event loop, so
 * this is how long every request can stall: a failed write is retried later instead (request-log.ts).
 * Opening and migrating, before anything is served, may wait longer.
 */
export const WRITE_BUSY_TIMEOUT_MS = 50;
const OPEN_BUSY_TIMEOUT_MS = 5000;

export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // WAL with NORMAL survives a process kill; only an OS crash can lose the last transactions.
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
  migrate(db);
  db.pragma(`busy_timeout = ${WRITE_BUSY_TIMEOUT_MS}`);
  // The request log commits up to 50 times a second, each touching scattered index pages; checkpointing
  // every 1,000 WAL pages (the default) fsynced several times a second under load and cost ~15% of the
  // throughput. 10,000 pages (a WAL of up to ~40 MB) checkpoints a tenth as often.
  db.pragma('wal_autocheckpoint = 10000');
  return db;
}

function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
