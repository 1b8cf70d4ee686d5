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

/** One page of rows matching `filters`, newest first, starting after `cursor`. */
export function listRequests(db: Db, filters: RequestFilters, limit: number, cursor: string | null): RequestPage {
  const from = cursor === null ? null : decodeCursor(cursor);
  const window: string[] = ['ts >= ?', 'ts < ?'];
  const windowParams: unknown[] = [filters.since ?? Number.MIN_SAFE_INTEGER, filters.until ?? Number.MAX_SAFE_INTEGER];
  if (from) {
    window.push('(ts < ? OR (ts = ? AND rowid < ?))');
    windowParams.push(from.ts, from.ts, from.rowid);
  }
  const scanned = `SELECT rowid AS rid, * FROM requests WHERE ${window.join(' AND ')} ORDER BY ts DESC, rowid DESC LIMIT ${MAX_SCAN}`;
  // The same rows' positions only: read from the ts index alone.
  const positions = `SELECT rowid AS rid, ts FROM requests WHERE ${window.join(' AND ')} ORDER BY ts DESC, rowid DESC LIMIT ${MAX_SCAN}`;

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
    match.push('instr(user_agent, ?) > 0');
    matchParams.push(filters.userAgent);
  }

  const rows = db
    .prepare(`SELECT rid, ${COLUMNS} FROM (${scanned}) ${match.length ? `WHERE ${match.join(' AND ')}` : ''} ORDER BY ts DESC, rid DESC LIMIT ?`)
    .all(...windowParams, ...matchParams, limit + 1) as Array<Record<string, unknown>>;
  if (rows.length > limit) {
    const last = rows[limit - 1];
    return { data: rows.slice(0, limit).map(toView), next_cursor: encodeCursor(last.ts as number, last.rid as number) };
  }
  // Fewer matches than asked: go on from the last row examined, if the scan stopped at its bound.
  const edge = db.prepare(`SELECT COUNT(*) AS n, MIN(ts) AS ts FROM (${positions})`).get(...windowParams) as { n: number; ts: number | null };
  let next: string | null = null;
  if (edge.n === MAX_SCAN && edge.ts !== null) {
    const { rid } = db.prepare(`SELECT MIN(rid) AS rid FROM (${positions}) WHERE ts = ?`).get(...windowParams, edge.ts) as { rid: number };
    next = encodeCursor(edge.ts, rid);
  }
  return { data: rows.map(toView), next_cursor: next };
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
