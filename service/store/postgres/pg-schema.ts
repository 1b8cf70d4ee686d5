// The PostgreSQL schema, as versioned migrations (APPEND only: a replica applies the ones past the
// highest version in schema_migrations). The same tables as SQLite's (store/database.ts), with a
// `seq` column standing in for SQLite's rowid in the request log's cursor.
import { BIN_COLUMNS, HOUR_MS, MINUTE_MS, SUM_COLUMNS } from '../request-rollup.ts';

const REQUEST_ROLLUP = `CREATE TABLE request_rollup (
  span BIGINT NOT NULL,
  bucket BIGINT NOT NULL,
  category TEXT NOT NULL,
  target TEXT NOT NULL,
  ${SUM_COLUMNS.map((c) => `${c} DOUBLE PRECISION NOT NULL DEFAULT 0`).join(',\n  ')},
  ms_min DOUBLE PRECISION,
  ms_max DOUBLE PRECISION,
  ${BIN_COLUMNS.map((c) => `${c} BIGINT NOT NULL DEFAULT 0`).join(', ')},
  PRIMARY KEY (span, bucket, category, target)
);`;

const ATTEMPT_ROLLUP = `CREATE TABLE attempt_rollup (
  span BIGINT NOT NULL,
  bucket BIGINT NOT NULL,
  target TEXT NOT NULL,
  kind TEXT NOT NULL,
  n BIGINT NOT NULL DEFAULT 0,
  ms_sum DOUBLE PRECISION NOT NULL DEFAULT 0,
  ms_min DOUBLE PRECISION,
  ms_max DOUBLE PRECISION,
  ${BIN_COLUMNS.map((c) => `${c} BIGINT NOT NULL DEFAULT 0`).join(', ')},
  PRIMARY KEY (span, bucket, target, kind)
);`;

export const PG_MIGRATIONS: string[] = [
  `CREATE TABLE requests (
     seq BIGSERIAL NOT NULL,
     id TEXT PRIMARY KEY,
     ts BIGINT NOT NULL,
     category TEXT,
     classifier_method TEXT,
     requested_model TEXT,
     target TEXT,
     status INTEGER NOT NULL,
     outcome TEXT NOT NULL,
     attempts TEXT NOT NULL,
     attempt_count INTEGER NOT NULL,
     total_ms DOUBLE PRECISION NOT NULL,
     ttfb_ms DOUBLE PRECISION,
     prompt_tokens DOUBLE PRECISION,
     completion_tokens DOUBLE PRECISION,
     cached_tokens DOUBLE PRECISION,
     reasoning_tokens DOUBLE PRECISION,
     cost_usd DOUBLE PRECISION,
     cost_source TEXT,
     stream INTEGER NOT NULL,
     user_agent TEXT,
     error TEXT,
     usage_estimated INTEGER NOT NULL DEFAULT 0,
     classification TEXT
   );
   -- GET /requests walks newest first along (ts, seq); recent_requests along ts.
   CREATE INDEX requests_ts_seq ON requests (ts DESC, seq DESC);
   ${REQUEST_ROLLUP}
   ${ATTEMPT_ROLLUP}
   CREATE TABLE categories (
     name TEXT PRIMARY KEY,
     position INTEGER NOT NULL,
     definition TEXT NOT NULL,
     updated_at BIGINT NOT NULL
   );
   CREATE TABLE settings (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL,
     updated_at BIGINT NOT NULL
   );
   CREATE TABLE config_audit (
     id BIGSERIAL PRIMARY KEY,
     ts BIGINT NOT NULL,
     route TEXT NOT NULL,
     old_value TEXT,
     new_value TEXT
   );
   CREATE TABLE breaker_events (
     id BIGSERIAL PRIMARY KEY,
     ts BIGINT NOT NULL,
     target TEXT NOT NULL,
     state TEXT NOT NULL
   );
   CREATE TABLE stored_responses (
     id TEXT PRIMARY KEY,
     created_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL,
     items TEXT NOT NULL
   );
   CREATE INDEX stored_responses_expiry ON stored_responses (expires_at);`,
  // A 429's cool-down, shared: every replica keeps the target out of its walk until `until_ms`.
  `CREATE TABLE cooldowns (
     target TEXT PRIMARY KEY,
     until_ms BIGINT NOT NULL
   );`,
  // The response cache's columns on each request row (SQLite's store/database.ts has them too).
  `ALTER TABLE requests ADD COLUMN cache TEXT, ADD COLUMN cost_saved_usd DOUBLE PRECISION;`,
  // The response cache (service/cache), shared by every replica. Its size bound holds across them:
  // one totals row, kept by a trigger on every insert, update and delete, and locked by each writer
  // first (so writers queue on it instead of deadlocking on each other's entries). Recency is a
  // sequence, so two replicas' hits still have one order. And the cache's hourly roll-up.
  `CREATE TABLE response_cache (
     key TEXT PRIMARY KEY,
     category TEXT NOT NULL,
     target TEXT NOT NULL,
     kind TEXT NOT NULL,
     body TEXT NOT NULL,
     bytes BIGINT NOT NULL,
     created_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL,
     used BIGINT NOT NULL,
     hits BIGINT NOT NULL DEFAULT 0
   );
   CREATE INDEX response_cache_used ON response_cache (used);
   CREATE INDEX response_cache_expires ON response_cache (expires_at);
   CREATE INDEX response_cache_category ON response_cache (category);
   CREATE SEQUENCE response_cache_recency;
   CREATE TABLE response_cache_totals (only_row BOOLEAN PRIMARY KEY DEFAULT true CHECK (only_row), bytes BIGINT NOT NULL);
   INSERT INTO response_cache_totals (bytes) VALUES (0);
   CREATE FUNCTION response_cache_count_bytes() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     UPDATE response_cache_totals SET bytes = bytes
       + CASE WHEN TG_OP = 'DELETE' THEN 0 ELSE NEW.bytes END
       - CASE WHEN TG_OP = 'INSERT' THEN 0 ELSE OLD.bytes END;
     RETURN NULL;
   END $$;
   CREATE TRIGGER response_cache_bytes AFTER INSERT OR UPDATE OF bytes OR DELETE ON response_cache
     FOR EACH ROW EXECUTE FUNCTION response_cache_count_bytes();
   CREATE TABLE cache_rollup (
     hour BIGINT NOT NULL,
     category TEXT NOT NULL,
     target TEXT NOT NULL,
     hits BIGINT NOT NULL DEFAULT 0,
     misses BIGINT NOT NULL DEFAULT 0,
     bypassed BIGINT NOT NULL DEFAULT 0,
     refreshed BIGINT NOT NULL DEFAULT 0,
     saved_usd DOUBLE PRECISION NOT NULL DEFAULT 0,
     PRIMARY KEY (hour, category, target)
   );`,
  // The dashboard's share of each classifier method: counted over ranges of this index (pg-metrics-series.ts).
  `CREATE INDEX requests_method_ts ON requests (classifier_method, ts);`,
  // The dashboard's classifier-method shares from a roll-up instead of the index: counting a month
  // of one method over (classifier_method, ts) read ~1M index entries a method at ten million rows.
  // Kept by statement-level triggers (one GROUP BY per written batch, whoever writes: the request
  // log, the SQLite import, a retention DELETE); a NULL method is kept as ''. Locks are taken in key
  // order, so two replicas' batches cannot deadlock on it.
  `CREATE TABLE method_rollup (
     span BIGINT NOT NULL,
     bucket BIGINT NOT NULL,
     method TEXT NOT NULL,
     n BIGINT NOT NULL,
     PRIMARY KEY (span, bucket, method)
   );
   INSERT INTO method_rollup (span, bucket, method, n)
     SELECT s.span, r.ts / s.span * s.span, COALESCE(r.classifier_method, ''), COUNT(*)
       FROM requests r, (VALUES (${MINUTE_MS}::bigint), (${HOUR_MS}::bigint)) AS s(span) GROUP BY 1, 2, 3;
   CREATE FUNCTION requests_count_methods() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'INSERT' THEN
       INSERT INTO method_rollup (span, bucket, method, n)
         SELECT s.span, r.ts / s.span * s.span, COALESCE(r.classifier_method, ''), COUNT(*)
           FROM new_rows r, (VALUES (${MINUTE_MS}::bigint), (${HOUR_MS}::bigint)) AS s(span) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
         ON CONFLICT (span, bucket, method) DO UPDATE SET n = method_rollup.n + excluded.n;
     ELSE
       UPDATE method_rollup m SET n = m.n - d.n
         FROM (SELECT s.span, r.ts / s.span * s.span AS bucket, COALESCE(r.classifier_method, '') AS method, COUNT(*) AS n
                 FROM old_rows r, (VALUES (${MINUTE_MS}::bigint), (${HOUR_MS}::bigint)) AS s(span) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3) d
        WHERE m.span = d.span AND m.bucket = d.bucket AND m.method = d.method;
     END IF;
     RETURN NULL;
   END $$;
   CREATE TRIGGER requests_methods_insert AFTER INSERT ON requests REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION requests_count_methods();
   CREATE TRIGGER requests_methods_delete AFTER DELETE ON requests REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION requests_count_methods();`,
];
