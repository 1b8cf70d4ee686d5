// ROUTER_LOG_RETENTION_DAYS and ROUTER_LOG_MAX_ROWS on PostgreSQL, as log-retention.ts keeps them
// on SQLite: an unref'd timer deletes in small batches, off the request path, and comes back soon
// while there is more to delete; minute roll-ups are kept two days, hour roll-ups as long as the
// rows. Every replica runs the timer; a transaction-level advisory lock lets one of them prune at a
// time, and the others skip that pass. The row cap counts along (ts, seq), the order /requests
// reads the log in (SQLite counts along rowid, its insert order: the same but for clock skew).
import type { PoolClient } from 'pg';
import { MINUTE_ROLLUP_KEEP_MS, type RetentionHealth, type RetentionOptions } from '../log-retention.ts';
import { HOUR_MS, MINUTE_MS } from '../request-rollup.ts';
import { runDetached } from '../../process/detached-task.ts';
import { inTransaction, type PgPool } from './pg-database.ts';

/** Held for one pass, so replicas do not delete the same rows at once. */
const PRUNE_LOCK_KEY = 7_318_004_120;
const DAY_MS = 24 * HOUR_MS;

export class PgLogRetention {
  readonly #pool: PgPool;
  readonly #options: Required<RetentionOptions>;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #pruned = 0;
  #failures = 0;

  constructor(pool: PgPool, options: RetentionOptions) {
    this.#pool = pool;
    this.#options = { intervalMs: 60_000, firstPassMs: 1000, batchRows: 1000, ...options };
  }

  start(): void {
    this.#schedule(this.#options.firstPassMs);
  }

  /** Stops the timer and waits for a pass under way. */
  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  health(): RetentionHealth {
    return { retention_days: this.#options.retentionDays, max_rows: this.#options.maxRows, rows_pruned: this.#pruned, prune_failures: this.#failures };
  }

  /** One bounded pass (none when another replica holds the lock): at most batchRows deletions of each kind. */
  async pruneOnce(now = Date.now()): Promise<{ deleted: number; more: boolean }> {
    const { retentionDays, maxRows, batchRows } = this.#options;
    const cutoff = now - retentionDays * DAY_MS;
    const pass = await inTransaction(this.#pool, async (client) => {
      const { rows } = await client.query<{ got: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS got', [PRUNE_LOCK_KEY]);
      if (!rows[0].got) return { deleted: 0, more: false };
      const aged = await deleted(client, 'DELETE FROM requests WHERE id IN (SELECT id FROM requests WHERE ts < $1 ORDER BY ts LIMIT $2)', [cutoff, batchRows]);
      // The first row past the newest maxRows, and everything older than it, goes.
      const edge = await client.query<{ ts: number; seq: number }>('SELECT ts, seq FROM requests ORDER BY ts DESC, seq DESC OFFSET $1 LIMIT 1', [maxRows]);
      const counted = edge.rows[0]
        ? await deleted(client, 'DELETE FROM requests WHERE id IN (SELECT id FROM requests WHERE (ts, seq) <= ($1, $2) ORDER BY ts, seq LIMIT $3)', [edge.rows[0].ts, edge.rows[0].seq, batchRows])
        : 0;
      const minutes = await pruneRollups(client, MINUTE_MS, now - MINUTE_ROLLUP_KEEP_MS, batchRows);
      const hours = await pruneRollups(client, HOUR_MS, cutoff - HOUR_MS, batchRows);
      return { deleted: aged + counted, more: Math.max(aged, counted, minutes, hours) >= batchRows };
    });
    this.#pruned += pass.deleted;
    return pass;
  }

  #schedule(ms: number): void {
    this.#timer = setTimeout(() => runDetached('request log pruning', () => this.#tick()), ms);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    const pass = this.#pass();
    this.#running = pass;
    const more = await pass;
    this.#running = undefined;
    if (this.#timer !== undefined) this.#schedule(more ? 10 : this.#options.intervalMs);
  }

  /** Whether more is due; never rejects (PostgreSQL unreachable or busy: the next interval tries again). */
  async #pass(): Promise<boolean> {
    try {
      return (await this.pruneOnce()).more;
    } catch (error) {
      this.#failures++;
      console.error(`[router] request log pruning failed: ${(error as Error).message}`);
      return false;
    }
  }
}

async function deleted(client: PoolClient, sql: string, values: unknown[]): Promise<number> {
  return (await client.query(sql, values)).rowCount ?? 0;
}

/** Deletes up to a batch of each roll-up's rows of `span` before `before`; returns the larger count. */
async function pruneRollups(client: PoolClient, span: number, before: number, batchRows: number): Promise<number> {
  const requests = await deleted(
    client,
    'DELETE FROM request_rollup WHERE (span, bucket, category, target) IN (SELECT span, bucket, category, target FROM request_rollup WHERE span = $1 AND bucket < $2 LIMIT $3)',
    [span, before, batchRows],
  );
  const attempts = await deleted(
    client,
    'DELETE FROM attempt_rollup WHERE (span, bucket, target, kind) IN (SELECT span, bucket, target, kind FROM attempt_rollup WHERE span = $1 AND bucket < $2 LIMIT $3)',
    [span, before, batchRows],
  );
  return Math.max(requests, attempts);
}
