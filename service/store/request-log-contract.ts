// What the rest of the gateway needs from a request log, whichever database holds it: a writer on
// the request path (queue only, never I/O) and a reader for /metrics and /requests. SQLite
// (request-log.ts, SqliteRequestLogReader) and PostgreSQL (postgres/) implement the same contract,
// proven by test/store-contracts/request-log.contract.test.ts.
import type { RecordListener, RequestLogHealth, RequestRecord } from './request-log.ts';
import type { MetricsSummary } from './metrics-query.ts';
import type { RequestFilters, RequestPage, RequestView } from './request-query.ts';

export interface RequestLogWriter {
  /** Queues a row: O(1), no I/O, never throws. */
  add(record: RequestRecord): void;
  onRecord(listener: RecordListener): void;
  countUnauthenticated(): void;
  health(): RequestLogHealth;
  readonly pending: number;
  /** Writes the queued rows now; never rejects (a refused write is retried later). */
  flush(): number | Promise<number>;
  /** The last flush; rows that cannot be written are reported and lost. */
  close(): void | Promise<void>;
}

export interface RequestLogReader {
  /** What GET /metrics shows for the window (null: the whole log). */
  metrics(windowMs: number | null, now?: number): Promise<MetricsSummary>;
  /** GET /requests: one page, newest first. Throws CursorError for a cursor it did not give. */
  list(filters: RequestFilters, limit: number, cursor: string | null): Promise<RequestPage>;
  get(id: string): Promise<RequestView | undefined>;
}
