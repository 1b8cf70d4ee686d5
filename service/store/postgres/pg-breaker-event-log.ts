// Every breaker state change on PostgreSQL. add() is called from a breaker's event on the request
// path, so it only queues: a timer writes the queue as one multi-row INSERT. While PostgreSQL
// refuses writes the queue is kept (retried with backoff) up to a bound; past it the oldest events
// are dropped and counted, so an outage costs history, never memory or latency.
import type { BreakerEvent } from '../breaker-event-log.ts';
import type { BreakerEventLogContract } from '../breaker-event-log-contract.ts';
import { runDetached } from '../../process/detached-task.ts';
import type { PgPool } from './pg-database.ts';

export interface PgBreakerEventLogOptions {
  /** How long an event waits for the ones after it, so a burst is one INSERT. */
  flushDelayMs?: number;
  /** Events held while PostgreSQL refuses writes. */
  maxBuffered?: number;
}

const RETRY_MAX_MS = 30_000;

export class PgBreakerEventLog implements BreakerEventLogContract {
  readonly #pool: PgPool;
  readonly #flushDelayMs: number;
  readonly #maxBuffered: number;
  #queue: BreakerEvent[] = [];
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #failingFor = 0;
  #dropped = 0;
  #closed = false;

  constructor(pool: PgPool, options: PgBreakerEventLogOptions = {}) {
    this.#pool = pool;
    this.#flushDelayMs = options.flushDelayMs ?? 200;
    this.#maxBuffered = options.maxBuffered ?? 1000;
  }

  add(target: string, state: string): void {
    if (this.#closed) return;
    this.#queue.push({ ts: Date.now(), target, state });
    if (this.#queue.length > this.#maxBuffered) this.#drop(this.#queue.length - this.#maxBuffered);
    if (!this.#timer && !this.#inFlight) this.#schedule(this.#flushDelayMs);
  }

  get writeFailures(): number {
    return this.#dropped;
  }

  /** Events queued, not yet stored. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Newest first: this replica's queued events, then what PostgreSQL holds (every replica's). */
  async recent(limit = 50): Promise<BreakerEvent[]> {
    const queued = this.#queue.slice(-limit).reverse();
    const { rows } = await this.#pool.query<BreakerEvent>('SELECT ts, target, state FROM breaker_events ORDER BY id DESC LIMIT $1', [limit - queued.length]);
    return [...queued, ...rows];
  }

  /** Writes the queue now; never rejects (a refused write keeps the events for the next try). */
  async flush(): Promise<void> {
    while (this.#inFlight) await this.#inFlight;
    if (this.#queue.length === 0) return;
    this.#clearTimer();
    const batch = this.#queue;
    this.#queue = [];
    this.#inFlight = this.#write(batch).finally(() => (this.#inFlight = undefined));
    await this.#inFlight;
    if (this.#queue.length > 0 && !this.#timer && !this.#closed) this.#schedule(this.#failingFor > 0 ? this.#retryDelay() : this.#flushDelayMs);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#clearTimer();
    await this.flush();
    if (this.#queue.length > 0) {
      console.error(`[router] breaker history: ${this.#queue.length} events could not be written to PostgreSQL before closing`);
      this.#drop(this.#queue.length);
    }
  }

  async #write(batch: BreakerEvent[]): Promise<void> {
    try {
      await this.#pool.query('INSERT INTO breaker_events (ts, target, state) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])', [
        batch.map((e) => e.ts),
        batch.map((e) => e.target.replaceAll('\u0000', '\uFFFD')),
        batch.map((e) => e.state),
      ]);
      this.#failingFor = 0;
    } catch (error) {
      // Back in front of anything queued meanwhile, in order; the bound still holds.
      this.#queue = [...batch, ...this.#queue];
      if (this.#queue.length > this.#maxBuffered) this.#drop(this.#queue.length - this.#maxBuffered);
      if (this.#failingFor++ % 10 === 0) console.error(`[router] breaker history not written to PostgreSQL (${this.#queue.length} queued, ${this.#dropped} dropped): ${(error as Error).message}`);
    }
  }

  #drop(count: number): void {
    this.#queue.splice(0, count);
    this.#dropped += count;
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      runDetached('breaker history flush', () => this.flush());
    }, delayMs);
    this.#timer.unref();
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #retryDelay(): number {
    return Math.min(RETRY_MAX_MS, 100 * 2 ** Math.min(this.#failingFor - 1, 16));
  }
}
