// Reading the request log for operators (GET /requests, GET /requests/{id}, recent_requests in
// /metrics). Pages walk the log newest first along the ts index, and each page examines at most
// MAX_SCAN rows: a filter that matches nothing costs one bounded step, never a scan of the log;
// the cursor then says where to go on.
import type { Db } from './database.ts';

export interface RequestFilters {
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
  category?: string;
  /** The target that served the request. */
  target?: string;
  status?: number;
  outcome?: string;
  /** Rows whose user agent contains this text. */
  userAgent?: string;
  id?: string;
}

export interface RequestPage {
  data: RequestView[];
  /** Pass back as `cursor` for the next (older) page; null when the log has no more rows to examine. */
  next_cursor: string | null;
}

export type RequestView = Record<string, unknown> & { id: string; timestamp: string };

/** Rows a page examines at most before it answers (with a cursor to go on from). */
export const MAX_SCAN = 5000;

export const COLUMNS = `id, ts, category, classifier_method, requested_model, target, status, outcome, attempts, attempt_count, total_ms, ttfb_ms,
  prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, cost_usd, cost_source, usage_estimated, stream, user_agent, error, classification,
  cache, cost_saved_usd`;

/** The latest rows since `since`: the short summary /metrics shows. */
export function recentRequests(db: Db, since: number, limit: number): RequestView[] {
  const rows = db.prepare(`SELECT ${COLUMNS} FROM requests WHERE ts >= ? ORDER BY ts DESC LIMIT ?`).all(since, limit) as Array<Record<string, unknown>>;
  return rows.map(toView);
}

export function getRequest(db: Db, id: string): RequestView | undefined {
  const row = db.prepare(`SELECT ${COLUMNS} FROM requests WHERE id = ?`).get(id) as Record<string, unknown> | undefined;
  return row && toView(row);
}

/** What differs between the databases in a page's SQL: the row order's tiebreak column and a substring test. */
export interface PageDialect {
  rowid: string;
  contains: (column: string) => string;
}

const SQLITE_PAGES: PageDialect = { rowid: 'rowid', contains: (column) => `instr(${column}, ?) > 0` };

interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * The statements of one page (with `?` placeholders): the matching rows among at most MAX_SCAN
 * examined, and, for a page the matches did not fill, where that scan stopped (so the cursor goes
 * on from the last row examined).
 */
export function pageStatements(filters: RequestFilters, limit: number, cursor: string | null, d: PageDialect): { rows: Statement; edge: Statement; edgeRowid: (ts: number) => Statement } {
  const from = cursor === null ? null : decodeCursor(cursor);
  const window: string[] = ['ts >= ?', 'ts < ?'];
  const windowParams: unknown[] = [filters.since ?? Number.MIN_SAFE_INTEGER, filters.until ?? Number.MAX_SAFE_INTEGER];
  if (from) {
    window.push(`(ts < ? OR (ts = ? AND ${d.rowid} < ?))`);
    windowParams.push(from.ts, from.ts, from.rowid);
  }
  const order = `ORDER BY ts DESC, ${d.rowid} DESC LIMIT ${MAX_SCAN}`;
  const scanned = `SELECT ${d.rowid} AS rid, ${COLUMNS} FROM requests WHERE ${window.join(' AND ')} ${order}`;
  // The same rows' positions only: read from the ts index alone.
  const positions = `SELECT ${d.rowid} AS rid, ts FROM requests WHERE ${window.join(' AND ')} ${order}`;

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
    match.push(d.contains('user_agent'));
    matchParams.push(filters.userAgent);
  }
  return {
    rows: {
      sql: `SELECT rid, ${COLUMNS} FROM (${scanned}) s ${match.length ? `WHERE ${match.join(' AND ')}` : ''} ORDER BY ts DESC, rid DESC LIMIT ?`,
      params: [...windowParams, ...matchParams, limit + 1],
    },
    edge: { sql: `SELECT COUNT(*) AS n, MIN(ts) AS ts FROM (${positions}) p`, params: windowParams },
    edgeRowid: (ts) => ({ sql: `SELECT MIN(rid) AS rid FROM (${positions}) p WHERE ts = ?`, params: [...windowParams, ts] }),
  };
}

/** The page, when the matching rows filled it; undefined when the scan's edge decides the cursor. */
export function filledPage(rows: Array<Record<string, unknown>>, limit: number): RequestPage | undefined {
  if (rows.length <= limit) return undefined;
  const last = rows[limit - 1];
  return { data: rows.slice(0, limit).map(toView), next_cursor: encodeCursor(last.ts as number, last.rid as number) };
}

/** A page the matches did not fill: it goes on from the last row examined, if the scan stopped at its bound. */
export function scanEdgeReached(edge: { n: number | string; ts: number | null }): edge is { n: number; ts: number } {
  return Number(edge.n) === MAX_SCAN && edge.ts !== null;
}

/** One page of rows matching `filters`, newest first, starting after `cursor`. */
export function listRequests(db: Db, filters: RequestFilters, limit: number, cursor: string | null): RequestPage {
  const page = pageStatements(filters, limit, cursor, SQLITE_PAGES);
  const rows = db.prepare(page.rows.sql).all(...page.rows.params) as Array<Record<string, unknown>>;
  const filled = filledPage(rows, limit);
  if (filled) return filled;
  const edge = db.prepare(page.edge.sql).get(...page.edge.params) as { n: number; ts: number | null };
  if (!scanEdgeReached(edge)) return { data: rows.map(toView), next_cursor: null };
  const at = page.edgeRowid(edge.ts);
  const { rid } = db.prepare(at.sql).get(...at.params) as { rid: number };
  return { data: rows.map(toView), next_cursor: encodeCursor(edge.ts, rid) };
}

export function toView(r: Record<string, unknown>): RequestView {
  const { rid: _rid, ...row } = r;
  return {
    ...row,
    id: String(row.id),
    timestamp: new Date(row.ts as number).toISOString(),
    attempts: parseJson(row.attempts, []),
    classification: parseJson(row.classification, null),
    stream: row.stream === 1,
    usage_estimated: row.usage_estimated === 1,
  };
}

function parseJson(value: unknown, fallback: unknown): unknown {
  if (typeof value !== 'string') return fallback;
  try {
    return JSON.parse(value);
  } catch {
    return fallback;
  }
}

export function encodeCursor(ts: number, rowid: number): string {
  return Buffer.from(`${ts}:${rowid}`).toString('base64url');
}

/** The position a cursor names; throws CursorError for anything this module did not make. */
export function decodeCursor(cursor: string): { ts: number; rowid: number } {
  const match = /^(-?\d+):(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new CursorError(`cursor "${cursor.slice(0, 64)}" is not one this gateway gave`);
  return { ts: Number(match[1]), rowid: Number(match[2]) };
}

export class CursorError extends Error {
  override name = 'CursorError';
}
