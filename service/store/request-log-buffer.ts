// What a request log holds between a request and its write, whichever database takes the rows:
// the bounded queue, the listeners told of each row, and the counters /health and /metrics show.
// SQLite's log (request-log.ts) and PostgreSQL's (postgres/pg-request-log.ts) differ only in how
// and when they write; both keep their rows and their accounts here.
import type { RecordListener, RequestLogHealth, RequestRecord } from './request-log.ts';

export const DEFAULT_MAX_BUFFERED_ROWS = 10_000;
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 30_000;

export class RequestLogBuffer {
  readonly #listeners: RecordListener[] = [];
  readonly #maxBuffered: number;
  /** Named in the log lines ("writing to PostgreSQL again"); empty for the default store. */
  readonly #where: string;
  #queue: RequestRecord[] = [];
  #written = 0;
  #writeFailures = 0;
  #failingFor = 0;
  #droppedBufferFull = 0;
  #droppedUnwritable = 0;
  #unauthenticated = 0;
  #lastError: { at: string; message: string } | null = null;

  constructor(maxBufferedRows = DEFAULT_MAX_BUFFERED_ROWS, where = '') {
    this.#maxBuffered = maxBufferedRows;
    this.#where = where;
  }

  /** Queues a row (the oldest goes, counted, past the bound) and tells the listeners; O(1), never throws. */
  add(record: RequestRecord): void {
    this.#queue.push(record);
    if (this.#queue.length > this.#maxBuffered) {
      this.#queue.shift();
      this.#droppedBufferFull++;
    }
    for (const listener of this.#listeners) {
      try {
        listener(record);
      } catch (error) {
        console.error('[router] request-log listener failed', error);
      }
    }
  }

  onRecord(listener: RecordListener): void {
    this.#listeners.push(listener);
  }

  /** A request refused for its client key: counted instead of stored, so unauthenticated callers cannot fill the disk. */
  countUnauthenticated(): void {
    this.#unauthenticated++;
  }

  get pending(): number {
    return this.#queue.length;
  }

  get failingFor(): number {
    return this.#failingFor;
  }

  /** Every queued row, for one write; the queue starts again empty. */
  take(): RequestRecord[] {
    const batch = this.#queue;
    this.#queue = [];
    return batch;
  }

  /** Rows written (some of a batch that then failed count too). */
  countWritten(rows: number): void {
    this.#written += rows;
  }

  /** A write went through: a run of refusals, if any, is over. */
  succeeded(rows: number): void {
    this.#written += rows;
    if (this.#failingFor > 0) console.warn(`[router] request log: writing${this.#where ? ` to ${this.#where}` : ''} again after ${this.#failingFor} refused write(s)`);
    this.#failingFor = 0;
  }

  /** The store refused a write: its rows go back in front of the queue (within the bound); returns when to try again, in ms. */
  refused(batch: RequestRecord[], error: unknown): number {
    this.#writeFailures++;
    this.#failingFor++;
    this.#queue = this.#queue.length === 0 ? batch : batch.concat(this.#queue);
    const excess = this.#queue.length - this.#maxBuffered;
    if (excess > 0) {
      this.#queue.splice(0, excess);
      this.#droppedBufferFull += excess;
    }
    const delay = this.retryDelay();
    // Said on the first failure, then at most once per backoff step as the delay grows.
    if (this.#failingFor <= 1 || delay < RETRY_MAX_MS || this.#failingFor % 10 === 0) {
      this.note(error, `write refused (${this.#queue.length} rows waiting; retry in ${delay} ms)`);
    } else this.#lastError = { at: new Date().toISOString(), message: messageOf(error) };
    return delay;
  }

  /** The backoff after the refusals so far. */
  retryDelay(): number {
    return Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.min(this.#failingFor - 1, 16));
  }

  /** A row the store rejects on its own (a value out of range): dropped and counted, never allowed to hold back the rest. */
  dropUnwritable(id: unknown, error: unknown): void {
    this.#droppedUnwritable++;
    this.note(error, `dropped row ${String(id).slice(0, 64)}`);
  }

  note(error: unknown, what: string): void {
    const message = messageOf(error);
    this.#lastError = { at: new Date().toISOString(), message };
    console.error(`[router] request log: ${what}: ${message}`);
  }

  health(): RequestLogHealth {
    return {
      pending: this.#queue.length,
      rows_written: this.#written,
      write_failures: this.#writeFailures,
      failing_for: this.#failingFor,
      rows_dropped: { buffer_full: this.#droppedBufferFull, unwritable: this.#droppedUnwritable },
      unauthenticated_requests: this.#unauthenticated,
      last_error: this.#lastError,
    };
  }
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error);
  return text.slice(0, 500);
}
