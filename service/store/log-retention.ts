// Keeps the request log to ROUTER_LOG_RETENTION_DAYS and ROUTER_LOG_MAX_ROWS, off the request path:
// an unref'd timer deletes in small batches (each a few milliseconds) and comes back soon while
// there is more to delete. Minute roll-ups are kept two days (hour roll-ups cover older windows),
// hour roll-ups as long as the rows.
import type { Db } from './database.ts';
import { HOUR_MS, MINUTE_MS } from './request-rollup.ts';

export interface RetentionOptions {
  retentionDays: number;
  maxRows: number;
  /** Between passes when there is nothing left to delete. */
  intervalMs?: number;
  /** Before the first pass, so a log that grew past its bounds while the gateway was down is pruned soon after start. */
  firstPassMs?: number;
  /** Rows deleted per statement. */
  batchRows?: number;
}

export interface RetentionHealth {
  retention_days: number;
  max_rows: number;
  rows_pruned: number;
  prune_failures: number;
}

/** Minute roll-ups (requests and attempts) older than this are deleted; longer windows are summed by the hour. */
export const MINUTE_ROLLUP_KEEP_MS = 2 * 24 * HOUR_MS;
const DAY_MS = 24 * HOUR_MS;

export class LogRetention {
  readonly #options: Required<RetentionOptions>;
  readonly #byAge;
  readonly #byCount;
  readonly #highest;
  readonly #rollups;
  readonly #attemptRollups;
  readonly #db: Db;
  #timer: NodeJS.Timeout | undefined;
  #pruned = 0;
  #failures = 0;

  constructor(db: Db, options: RetentionOptions) {
    this.#db = db;
    this.#options = { intervalMs: 60_000, firstPassMs: 1000, batchRows: 1000, ...options };
    this.#byAge = db.prepare('DELETE FROM requests WHERE rowid IN (SELECT rowid FROM requests WHERE ts < ? ORDER BY ts LIMIT ?)');
    // Rowids only grow, so the newest maxRows rows are the top maxRows rowids.
    this.#highest = db.prepare('SELECT MAX(rowid) AS hi FROM requests');
    this.#byCount = db.prepare('DELETE FROM requests WHERE rowid IN (SELECT rowid FROM requests WHERE rowid <= ? ORDER BY rowid LIMIT ?)');
    this.#rollups = db.prepare(
      'DELETE FROM request_rollup WHERE (span, bucket, category, target) IN (SELECT span, bucket, category, target FROM request_rollup WHERE span = ? AND bucket < ? LIMIT ?)',
    );
    this.#attemptRollups = db.prepare(
      'DELETE FROM attempt_rollup WHERE (span, bucket, target, kind) IN (SELECT span, bucket, target, kind FROM attempt_rollup WHERE span = ? AND bucket < ? LIMIT ?)',
    );
  }

  start(): void {
    this.#schedule(this.#options.firstPassMs);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  health(): RetentionHealth {
    return { retention_days: this.#options.retentionDays, max_rows: this.#options.maxRows, rows_pruned: this.#pruned, prune_failures: this.#failures };
  }

  /** One bounded pass: at most batchRows deletions of each kind. Returns the request rows deleted, and whether more are due. */
  pruneOnce(now = Date.now()): { deleted: number; more: boolean } {
    const { retentionDays, maxRows, batchRows } = this.#options;
    const cutoff = now - retentionDays * DAY_MS;
    const aged = this.#byAge.run(cutoff, batchRows).changes;
    const hi = (this.#highest.get() as { hi: number | null }).hi ?? 0;
    const counted = hi > maxRows ? this.#byCount.run(hi - maxRows, batchRows).changes : 0;
    const minutes = this.#pruneRollups(MINUTE_MS, now - MINUTE_ROLLUP_KEEP_MS);
    const hours = this.#pruneRollups(HOUR_MS, cutoff - HOUR_MS);
    this.#pruned += aged + counted;
    return { deleted: aged + counted, more: Math.max(aged, counted, minutes, hours) >= batchRows };
  }

  /** Deletes up to a batch of each roll-up's rows of `span` before `before`; returns the larger count. */
  #pruneRollups(span: number, before: number): number {
    const { batchRows } = this.#options;
    return Math.max(this.#rollups.run(span, before, batchRows).changes, this.#attemptRollups.run(span, before, batchRows).changes);
  }

  #schedule(ms: number): void {
    this.#timer = setTimeout(this.#tick, ms);
    this.#timer.unref();
  }

  readonly #tick = (): void => {
    let more = false;
    try {
      if (this.#db.open) more = this.pruneOnce().more;
    } catch (error) {
      // A lock held elsewhere or a read-only disk: try again next interval.
      this.#failures++;
      console.error(`[router] request log pruning failed: ${(error as Error).message}`);
    }
    if (this.#timer !== undefined) this.#schedule(more ? 10 : this.#options.intervalMs);
  };
}
