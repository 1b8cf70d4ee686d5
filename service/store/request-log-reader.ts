// The SQLite request log's reader (request-log-contract.ts): the queued rows are written first, so
// a request that just ended is listed and counted.
import type { Db } from './database.ts';
import type { RequestLog } from './request-log.ts';
import type { RequestLogReader } from './request-log-contract.ts';
import { queryMetrics, type MetricsSummary } from './metrics-query.ts';
import { getRequest, listRequests, type RequestFilters, type RequestPage, type RequestView } from './request-query.ts';

export class SqliteRequestLogReader implements RequestLogReader {
  readonly #db: Db;
  readonly #log: RequestLog;

  constructor(db: Db, log: RequestLog) {
    this.#db = db;
    this.#log = log;
  }

  async metrics(windowMs: number | null, now = Date.now()): Promise<MetricsSummary> {
    this.#log.flush();
    return queryMetrics(this.#db, windowMs, 20, now);
  }

  async list(filters: RequestFilters, limit: number, cursor: string | null): Promise<RequestPage> {
    this.#log.flush();
    return listRequests(this.#db, filters, limit, cursor);
  }

  async get(id: string): Promise<RequestView | undefined> {
    this.#log.flush();
    return getRequest(this.#db, id);
  }
}
