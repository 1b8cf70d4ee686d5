// /metrics and /requests from the PostgreSQL request log: the same roll-up sums and the same
// bounded, cursor-paged walk as SQLite's (metrics-query.ts, request-query.ts), `seq` in place of
// rowid. This replica's queued rows are written first; other replicas' rows show up once their own
// batch is written (within their ROUTER_LOG_FLUSH_MS).
import type { PgPool } from './pg-database.ts';
import type { RequestLogReader, RequestLogWriter } from '../request-log-contract.ts';
import { ROLLUP_QUERY, summarizeMetrics, windowBuckets, type MetricsSummary, type RollupRow } from '../metrics-query.ts';
import { ATTEMPT_QUERY, summarizeAttempts } from '../attempt-metrics-query.ts';
import { COLUMNS, MAX_SCAN, decodeCursor, encodeCursor, toView, type RequestFilters, type RequestPage, type RequestView } from '../request-query.ts';

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
    const from = cursor === null ? null : decodeCursor(cursor);
    await this.#log?.flush();
    const window: string[] = ['ts >= ?', 'ts < ?'];
    const windowParams: unknown[] = [filters.since ?? Number.MIN_SAFE_INTEGER, filters.until ?? Number.MAX_SAFE_INTEGER];
    if (from) {
      window.push('(ts < ? OR (ts = ? AND seq < ?))');
      windowParams.push(from.ts, from.ts, from.rowid);
    }
    const scanned = `SELECT seq AS rid, ${COLUMNS} FROM requests WHERE ${window.join(' AND ')} ORDER BY ts DESC, seq DESC LIMIT ${MAX_SCAN}`;
    const positions = `SELECT seq AS rid, ts FROM requests WHERE ${window.join(' AND ')} ORDER BY ts DESC, seq DESC LIMIT ${MAX_SCAN}`;

    const match: string[] = [];
    const matchParams: unknown[] = [];
    const equal = (column: string, value: unknown) => {
      if (value === undefined) return;
      match.push(`${column} = ?`);
      matchParams.push(value);
    };
    equal('category', filters.category);
    equal('target', filters.target);
    equal('status', filters.status);
    equal('outcome', filters.outcome);
    equal('id', filters.id);
    if (filters.userAgent !== undefined) {
      match.push('strpos(user_agent, ?) > 0');
      matchParams.push(filters.userAgent);
    }

    const { rows } = await this.#pool.query(
      numbered(`SELECT rid, ${COLUMNS} FROM (${scanned}) s ${match.length ? `WHERE ${match.join(' AND ')}` : ''} ORDER BY ts DESC, rid DESC LIMIT ?`),
      [...windowParams, ...matchParams, limit + 1],
    );
    if (rows.length > limit) {
      const last = rows[limit - 1];
      return { data: rows.slice(0, limit).map(toView), next_cursor: encodeCursor(last.ts as number, last.rid as number) };
    }
    const edge = (await this.#pool.query(numbered(`SELECT COUNT(*) AS n, MIN(ts) AS ts FROM (${positions}) p`), windowParams)).rows[0] as { n: number; ts: number | null };
    let next: string | null = null;
    if (edge.n === MAX_SCAN && edge.ts !== null) {
      const { rid } = (await this.#pool.query(numbered(`SELECT MIN(rid) AS rid FROM (${positions}) p WHERE ts = ?`), [...windowParams, edge.ts])).rows[0] as { rid: number };
      next = encodeCursor(edge.ts, rid);
    }
    return { data: rows.map(toView), next_cursor: next };
  }
}
