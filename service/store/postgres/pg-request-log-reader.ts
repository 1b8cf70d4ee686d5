// /metrics and /requests from the PostgreSQL request log: the same roll-up sums and the same
// bounded, cursor-paged walk as SQLite's (metrics-query.ts, request-query.ts), `seq` in place of
// rowid. This replica's queued rows are written first; other replicas' rows show up once their own
// batch is written (within their ROUTER_LOG_FLUSH_MS).
import type { PgPool } from './pg-database.ts';
import type { RequestLogReader, RequestLogWriter } from '../request-log-contract.ts';
import { ROLLUP_QUERY, summarizeMetrics, windowBuckets, type MetricsSummary, type RollupRow } from '../metrics-query.ts';
import { ATTEMPT_QUERY, summarizeAttempts } from '../attempt-metrics-query.ts';
import { COLUMNS, encodeCursor, filledPage, pageStatements, scanEdgeReached, toView, type PageDialect, type RequestFilters, type RequestPage, type RequestView } from '../request-query.ts';

const PG_PAGES: PageDialect = { rowid: 'seq', contains: (column) => `strpos(${column}, ?) > 0` };

/** The SQLite statements' `?` placeholders as PostgreSQL's `$1, $2, …` (none of them has a `?` in a literal). */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export class PgRequestLogReader implements RequestLogReader {
  readonly #pool: PgPool;
  readonly #log: RequestLogWriter | undefined;

  constructor(pool: PgPool, log?: RequestLogWriter) {
    this.#pool = pool;
    this.#log = log;
  }

  async metrics(windowMs: number | null, now = Date.now()): Promise<MetricsSummary> {
    await this.#log?.flush();
    const since = windowMs === null ? 0 : now - windowMs;
    const { hourFrom, minuteFrom } = windowBuckets(windowMs === null ? null : since, now);
    const params = [hourFrom, minuteFrom, hourFrom];
    const [rollup, attempts, recent] = await Promise.all([
      this.#pool.query<RollupRow>(numbered(ROLLUP_QUERY), params),
      this.#pool.query(numbered(ATTEMPT_QUERY), params),
      this.#pool.query(`SELECT ${COLUMNS} FROM requests WHERE ts >= $1 ORDER BY ts DESC, seq DESC LIMIT 20`, [since]),
    ]);
    return summarizeMetrics(windowMs, { rollup: rollup.rows, attempts: summarizeAttempts(attempts.rows), recent: recent.rows.map(toView) });
  }

  async get(id: string): Promise<RequestView | undefined> {
    await this.#log?.flush();
    const { rows } = await this.#pool.query(`SELECT ${COLUMNS} FROM requests WHERE id = $1`, [id]);
    return rows[0] && toView(rows[0]);
  }

  async list(filters: RequestFilters, limit: number, cursor: string | null): Promise<RequestPage> {
    const page = pageStatements(filters, limit, cursor, PG_PAGES);
    await this.#log?.flush();
    const { rows } = await this.#pool.query(numbered(page.rows.sql), page.rows.params);
    const filled = filledPage(rows, limit);
    if (filled) return filled;
    const edge = (await this.#pool.query(numbered(page.edge.sql), page.edge.params)).rows[0] as { n: number; ts: number | null };
    if (!scanEdgeReached(edge)) return { data: rows.map(toView), next_cursor: null };
    const at = page.edgeRowid(edge.ts);
    const { rid } = (await this.#pool.query(numbered(at.sql), at.params)).rows[0] as { rid: number };
    return { data: rows.map(toView), next_cursor: encodeCursor(edge.ts, rid) };
  }
}
