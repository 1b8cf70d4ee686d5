// What the gateway needs from the breaker history, whichever database holds it. add() runs inside a
// breaker's state-change event, on the request path: it never blocks and never throws. SQLite
// (breaker-event-log.ts) and PostgreSQL (postgres/pg-breaker-event-log.ts) implement it, proven by
// test/store-contracts/breaker-event-log.contract.test.ts.
import type { BreakerEvent } from './breaker-event-log.ts';

export interface BreakerEventLogContract {
  /** Records a state change: no I/O wait, never throws. */
  add(target: string, state: string): void;
  /** State changes that were never stored (refused, or dropped from a full buffer). */
  readonly writeFailures: number;
  /** Newest first. */
  recent(limit?: number): BreakerEvent[] | Promise<BreakerEvent[]>;
  /** Writes what is queued, if anything is (a last flush at shutdown). */
  close(): void | Promise<void>;
}
