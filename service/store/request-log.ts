// One row per client request. Rows are queued on the request path and written in batches, so a
// request never waits for the disk: at the end of the event-loop turn, but at most one write per
// ROUTER_LOG_FLUSH_MS (each commit writes whole pages, and a commit per turn cost a quarter of the
// throughput at 3k requests/s). A killed process loses at most the rows of requests that ended in
// the last ROUTER_LOG_FLUSH_MS. A write SQLite refuses (a lock held elsewhere, a full or read-only
// disk) never stops the gateway: the rows wait in a bounded buffer and the write is retried with
// backoff; /metrics reports it.
import Database from 'better-sqlite3';
import type { Db } from './database.ts';
import { rowValues } from './request-row.ts';
import { ROLLUP_UPSERT, RollupBatch } from './request-rollup.ts';
import { ATTEMPT_ROLLUP_UPSERT, AttemptRollupBatch } from './attempt-rollup.ts';
import { RequestLogBuffer } from './request-log-buffer.ts';

export interface AttemptRecord {
  target: string;
  outcome: string;
  ms: number;
  status?: number;
  /** For an error: how it failed (http, timeout, network, stream, invalid-response, aborted). */
  kind?: string;
  error?: string;
  detail?: unknown;
}

export interface RequestRecord {
  id: string;
  ts: number;
  category: string | null;
  classifierMethod: string | null;
  requestedModel: string | null;
  target: string | null;
  status: number;
  /** ok | error | client_closed | partial */
  outcome: string;
  attempts: AttemptRecord[];
  totalMs: number;
  ttfbMs: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
  cachedTokens: number | null;
  reasoningTokens: number | null;
  costUsd: number | null;
  /** upstream | pricing | estimated | unpriced | none */
  costSource: string;
  stream: boolean;
  /** Tokens were estimated from text length because the upstream reported no usage. */
  usageEstimated: boolean;
  userAgent: string | null;
  error: string | null;
  /** How the category was chosen: the classifier's confidence and reasons. */
  classification?: { confidence: number; reasons?: string[] } | null;
  /** The response cache's verdict (HIT, MISS, BYPASS, REFRESH); null when it was not involved. */
  cache?: string | null;
  /** A cache hit: what the answer would have cost. */
  costSavedUsd?: number | null;
}

/** Told of every row as it is queued (the Prometheus counters); must not throw or block. */
export type RecordListener = (record: RequestRecord) => void;

export interface RequestLogOptions {
  /** Least time between two writes, and so the longest a queued row waits; a row queued later than that after the last write is written at the end of its event-loop turn. */
  flushDelayMs: number;
  /** Rows held while SQLite refuses writes; past it the oldest are dropped and counted. */
  maxBufferedRows?: number;
}

/** The log's own health, for /metrics (JSON and Prometheus). */
export interface RequestLogHealth {
  /** Rows queued and not yet written. */
  pending: number;
  rows_written: number;
  /** Writes SQLite refused (each one retried later). */
  write_failures: number;
  /** Consecutive refused writes; 0 when the last write went through. */
  failing_for: number;
  rows_dropped: { buffer_full: number; unwritable: number };
  /** Requests refused for a missing or wrong client key: counted, never stored. */
  unauthenticated_requests: number;
  last_error: { at: string; message: string } | null;
}


export class RequestLog {
  readonly #db: Db;
  readonly #insert;
  readonly #rollup;
  readonly #attemptRollup;
  readonly #flushDelayMs: number;
  readonly #buffer: RequestLogBuffer;
  /** A flush is due (immediate, timer or retry); add() arms one only when none is. */
  #armed = false;
  #lastWriteAt = -Infinity;
  #retry: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(db: Db, options: RequestLogOptions) {
    this.#db = db;
    this.#flushDelayMs = options.flushDelayMs;
    this.#buffer = new RequestLogBuffer(options.maxBufferedRows);
    this.#insert = db.prepare(
      `INSERT OR IGNORE INTO requests (id, ts, category, classifier_method, requested_model, target, status, outcome, attempts, attempt_count,
         total_ms, ttfb_ms, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, cost_usd, cost_source, stream, user_agent, error, usage_estimated, classification, cache, cost_saved_usd)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#rollup = db.prepare(ROLLUP_UPSERT);
    this.#attemptRollup = db.prepare(ATTEMPT_ROLLUP_UPSERT);
  }

  /** Queues a row: O(1), no I/O. */
  add(record: RequestRecord): void {
    if (this.#closed) return;
    this.#buffer.add(record);
    if (!this.#armed) this.#arm();
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

  /**
   * Writes every queued row in one transaction; returns how many were written. Never throws: when
   * SQLite refuses the write the rows go back to the front of the queue and a retry is scheduled.
   */
  flush(): number {
    if (this.#buffer.pending === 0 || !this.#db.open) return 0;
    const batch = this.#buffer.take();
    this.#lastWriteAt = performance.now();
    try {
      const written = this.#write(batch);
      this.#buffer.succeeded(written);
      this.#clearRetry();
      return written;
    } catch (error) {
      this.#refused(batch, error);
      return 0;
    }
  }

  /** The last flush; rows that still cannot be written are reported and lost. */
  close(): void {
    this.#clearRetry();
    this.#closed = true;
    this.flush();
    if (this.#buffer.pending > 0) console.error(`[router] request log: ${this.#buffer.pending} rows could not be written before closing`);
  }

  #arm(): void {
    this.#armed = true;
    const wait = this.#lastWriteAt + this.#flushDelayMs - performance.now();
    if (wait <= 0) setImmediate(this.#due).unref();
    else setTimeout(this.#due, wait).unref();
  }

  readonly #due = (): void => {
    this.#clearRetry();
    this.#armed = false;
    // The flush's own errors are handled inside; this guard is for anything unforeseen, since nothing may escape a timer.
    try {
      this.flush();
    } catch (error) {
      console.error('[router] request log flush failed', error);
    }
  };

  #write(batch: RequestRecord[]): number {
    return this.#db.transaction((rows: RequestRecord[]) => {
      let written = 0;
      const rollup = new RollupBatch();
      const attempts = new AttemptRollupBatch();
      for (const r of rows) {
        try {
          const values = rowValues(r);
          // Positional parameters: binding by name costs a lookup per column per row.
          if (this.#insert.run(...values).changes === 1) {
            written++;
            rollup.add(values);
            if (Array.isArray(r.attempts)) attempts.add(values[1], r.attempts);
          }
        } catch (error) {
          // The storage itself failing aborts the whole batch (retried later); a row it cannot take is dropped alone.
          if (isStorageError(error)) throw error;
          this.#buffer.dropUnwritable(r?.id, error);
        }
      }
      this.#writeRollups(rollup, attempts);
      return written;
    }).immediate(batch);
  }

  /** The batch's roll-ups; one SQLite rejects (it should not) is reported and skipped, never allowed to hold the rows back. */
  #writeRollups(requests: RollupBatch, attempts: AttemptRollupBatch): void {
    for (const [statement, batch] of [
      [this.#rollup, requests],
      [this.#attemptRollup, attempts],
    ] as const) {
      for (const params of batch.rows()) {
        try {
          statement.run(...params);
        } catch (error) {
          if (isStorageError(error)) throw error;
          this.#buffer.note(error, 'roll-up not updated');
        }
      }
    }
  }

  #refused(batch: RequestRecord[], error: unknown): void {
    const delay = this.#buffer.refused(batch, error);
    if (this.#closed) return;
    this.#clearRetry();
    this.#armed = true;
    this.#retry = setTimeout(this.#due, delay);
    this.#retry.unref();
  }

  #clearRetry(): void {
    if (this.#retry) {
      clearTimeout(this.#retry);
      this.#retry = undefined;
      this.#armed = false;
    }
  }
}

/** SQLite failing as a whole (locked, read-only, disk full, I/O): worth retrying the batch, unlike a row it rejects. */
function isStorageError(error: unknown): boolean {
  if (!(error instanceof Database.SqliteError)) return false;
  return !/^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(error.code);
}
