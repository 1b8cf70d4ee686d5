// The request log on PostgreSQL. As on SQLite (request-log.ts), a request only queues its row; the
// rows are written off the request path, in one transaction per batch: multi-row INSERTs of the
// rows, then the batch's roll-ups as multi-row upserts (sorted by key, so two replicas adding to
// the same roll-up rows take their locks in one order and cannot deadlock). One write is in flight
// at a time. While PostgreSQL is unreachable the rows wait in a bounded buffer and the write is
// retried with backoff; past the bound the oldest rows are dropped and counted (health(), /metrics).
// A killed replica loses the rows queued since its last write, at most ROUTER_LOG_FLUSH_MS' worth.
import { inTransaction, type PgPool } from './pg-database.ts';
import { runDetached } from '../../process/detached-task.ts';
import type { RecordListener, RequestLogHealth, RequestRecord } from '../request-log.ts';
import type { RequestLogWriter } from '../request-log-contract.ts';
import { RequestLogBuffer } from '../request-log-buffer.ts';
import { rowValues, type RowValues } from '../request-row.ts';
import { RollupBatch, SUM_COLUMNS, BIN_COLUMNS } from '../request-rollup.ts';
import { AttemptRollupBatch } from '../attempt-rollup.ts';

export interface PgRequestLogOptions {
  /** Least time between two writes, and so the longest a queued row waits. */
  flushDelayMs: number;
  /** Rows held while PostgreSQL refuses writes; past it the oldest are dropped and counted. */
  maxBufferedRows?: number;
}

/** Rows per INSERT statement, so one statement's JSON stays a few MB at most. */
const ROWS_PER_INSERT = 1000;

/** The requests columns with their types, in RowValues order. */
const REQUEST_COLUMNS: Array<[string, string]> = [
  ['id', 'text'], ['ts', 'bigint'], ['category', 'text'], ['classifier_method', 'text'], ['requested_model', 'text'], ['target', 'text'],
  ['status', 'integer'], ['outcome', 'text'], ['attempts', 'text'], ['attempt_count', 'integer'], ['total_ms', 'double precision'],
  ['ttfb_ms', 'double precision'], ['prompt_tokens', 'double precision'], ['completion_tokens', 'double precision'], ['cached_tokens', 'double precision'],
  ['reasoning_tokens', 'double precision'], ['cost_usd', 'double precision'], ['cost_source', 'text'], ['stream', 'integer'], ['user_agent', 'text'],
  ['error', 'text'], ['usage_estimated', 'integer'], ['classification', 'text'], ['cache', 'text'], ['cost_saved_usd', 'double precision'],
];
const REQUEST_ROLLUP_COLUMNS: Array<[string, string]> = [
  ['span', 'bigint'], ['bucket', 'bigint'], ['category', 'text'], ['target', 'text'],
  ...SUM_COLUMNS.map((c): [string, string] => [c, 'double precision']), ['ms_min', 'double precision'], ['ms_max', 'double precision'],
  ...BIN_COLUMNS.map((c): [string, string] => [c, 'bigint']),
];
const ATTEMPT_ROLLUP_COLUMNS: Array<[string, string]> = [
  ['span', 'bigint'], ['bucket', 'bigint'], ['target', 'text'], ['kind', 'text'], ['n', 'bigint'], ['ms_sum', 'double precision'],
  ['ms_min', 'double precision'], ['ms_max', 'double precision'], ...BIN_COLUMNS.map((c): [string, string] => [c, 'bigint']),
];

// A batch goes as one JSON parameter, unpacked by json_to_recordset: the statement's text is the
// same for every batch, so it is prepared once per connection. Rows bound as $1…$n instead made a
// new statement per batch size, and planning those wide upserts cost more than writing the rows.
const INSERT_REQUESTS = {
  name: 'router_insert_requests',
  text: `INSERT INTO requests (${names(REQUEST_COLUMNS)}) SELECT ${names(REQUEST_COLUMNS)} FROM json_to_recordset($1::json) AS x(${typed(REQUEST_COLUMNS)})
    ON CONFLICT (id) DO NOTHING RETURNING id`,
};
const UPSERT_REQUEST_ROLLUP = { name: 'router_upsert_request_rollup', text: upsertSql('request_rollup', REQUEST_ROLLUP_COLUMNS, 4) };
const UPSERT_ATTEMPT_ROLLUP = { name: 'router_upsert_attempt_rollup', text: upsertSql('attempt_rollup', ATTEMPT_ROLLUP_COLUMNS, 4) };

function names(columns: Array<[string, string]>): string {
  return columns.map(([c]) => c).join(', ');
}

function typed(columns: Array<[string, string]>): string {
  return columns.map(([c, t]) => `${c} ${t}`).join(', ');
}

/** Adds each row's sums to its roll-up row; rows come sorted by key (ORDER BY), so concurrent writers lock in one order. */
function upsertSql(table: string, columns: Array<[string, string]>, keyLength: number): string {
  const key = columns.slice(0, keyLength).map(([c]) => c);
  const set = columns
    .slice(keyLength)
    .map(([c]) => (c === 'ms_min' ? `ms_min = LEAST(${table}.ms_min, excluded.ms_min)` : c === 'ms_max' ? `ms_max = GREATEST(${table}.ms_max, excluded.ms_max)` : `${c} = ${table}.${c} + excluded.${c}`))
    .join(', ');
  return `INSERT INTO ${table} (${names(columns)}) SELECT ${names(columns)} FROM json_to_recordset($1::json) AS x(${typed(columns)}) ORDER BY ${key.join(', ')}
    ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${set}`;
}

/** Rows as objects keyed by column name, as json_to_recordset reads them. */
function asJson(columns: Array<[string, string]>, rows: Iterable<ReadonlyArray<unknown>>): string {
  const objects: Array<Record<string, unknown>> = [];
  for (const row of rows) objects.push(Object.fromEntries(columns.map(([c], i) => [c, row[i]])));
  return JSON.stringify(objects);
}

export class PgRequestLog implements RequestLogWriter {
  readonly #pool: PgPool;
  readonly #flushDelayMs: number;
  readonly #buffer: RequestLogBuffer;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<number> | undefined;
  #lastWriteAt = -Infinity;
  #closed = false;

  constructor(pool: PgPool, options: PgRequestLogOptions) {
    this.#pool = pool;
    this.#flushDelayMs = options.flushDelayMs;
    this.#buffer = new RequestLogBuffer(options.maxBufferedRows, 'PostgreSQL');
  }

  add(record: RequestRecord): void {
    if (this.#closed) return;
    this.#buffer.add(record);
    if (!this.#timer && !this.#inFlight) this.#schedule(this.#lastWriteAt + this.#flushDelayMs - performance.now());
  }

  onRecord(listener: RecordListener): void {
    this.#buffer.onRecord(listener);
  }

  countUnauthenticated(): void {
    this.#buffer.countUnauthenticated();
  }

  get pending(): number {
    return this.#buffer.pending;
  }

  health(): RequestLogHealth {
    return this.#buffer.health();
  }

  /** Writes the queued rows (after any write already in flight); never rejects. */
  async flush(): Promise<number> {
    while (this.#inFlight) await this.#inFlight;
    if (this.#buffer.pending === 0) return 0;
    this.#clearTimer();
    const batch = this.#buffer.take();
    this.#lastWriteAt = performance.now();
    const write = this.#writeBatch(batch).finally(() => (this.#inFlight = undefined));
    this.#inFlight = write;
    const written = await write;
    // Rows that came in during the write, or a refused batch: the next write is due.
    if (this.#buffer.pending > 0 && !this.#timer && !this.#closed) this.#schedule(this.#buffer.failingFor > 0 ? this.#buffer.retryDelay() : this.#flushDelayMs);
    return written;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#clearTimer();
    await this.flush();
    if (this.#buffer.pending > 0) console.error(`[router] request log: ${this.#buffer.pending} rows could not be written to PostgreSQL before closing`);
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      runDetached('request log flush', () => this.flush());
    }, Math.max(0, delayMs));
    this.#timer.unref();
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #writeBatch(batch: RequestRecord[]): Promise<number> {
    const values = batch.map((r) => rowValues(r).map(withoutNul) as RowValues);
    try {
      const written = await this.#write(values, batch);
      this.#buffer.succeeded(written);
      return written;
    } catch (error) {
      if (!isRowError(error)) {
        this.#buffer.refused(batch, error);
        return 0;
      }
    }
    // A row PostgreSQL rejects (a value out of range) would hold back the whole batch: each row alone, and the bad ones dropped.
    let written = 0;
    for (let i = 0; i < values.length; i++) {
      try {
        written += await this.#write([values[i]], [batch[i]]);
      } catch (error) {
        if (!isRowError(error)) {
          this.#buffer.countWritten(written);
          this.#buffer.refused(batch.slice(i), error);
          return written;
        }
        this.#buffer.dropUnwritable(values[i][0], error);
      }
    }
    this.#buffer.succeeded(written);
    return written;
  }

  #write(values: RowValues[], records: RequestRecord[]): Promise<number> {
    return inTransaction(this.#pool, async (client) => {
      const inserted = new Set<string>();
      let count = 0;
      for (let from = 0; from < values.length; from += ROWS_PER_INSERT) {
        const result = await client.query<{ id: string }>({ ...INSERT_REQUESTS, values: [asJson(REQUEST_COLUMNS, values.slice(from, from + ROWS_PER_INSERT))] });
        count += result.rows.length;
        for (const row of result.rows) inserted.add(row.id);
      }
      const rollup = new RollupBatch();
      const attempts = new AttemptRollupBatch();
      values.forEach((v, i) => {
        // Only the rows this write inserted count (an id already in the log, or twice in the batch, once).
        if (!inserted.delete(v[0])) return;
        rollup.add(v);
        if (Array.isArray(records[i].attempts)) attempts.add(v[1], records[i].attempts);
      });
      const rollupRows = [...rollup.rows()];
      if (rollupRows.length > 0) await client.query({ ...UPSERT_REQUEST_ROLLUP, values: [asJson(REQUEST_ROLLUP_COLUMNS, rollupRows)] });
      const attemptRows = [...attempts.rows()];
      if (attemptRows.length > 0) await client.query({ ...UPSERT_ATTEMPT_ROLLUP, values: [asJson(ATTEMPT_ROLLUP_COLUMNS, attemptRows)] });
      return count;
    });
  }
}

/** PostgreSQL's text refuses U+0000, which JSON strings (model names, upstream error text) may carry. */
function withoutNul(value: unknown): unknown {
  return typeof value === 'string' && value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

/** A rejected value (SQLSTATE class 22, data exception, or 23, integrity), unlike PostgreSQL being unreachable or failing as a whole. */
function isRowError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}
