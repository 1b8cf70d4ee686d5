// The request log's own health as Prometheus series, read from its counters at scrape time:
// refused writes, rows dropped, rows waiting, rows pruned, and chat requests refused for their key.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RequestLogHealth } from '../store/request-log.ts';
import type { RetentionHealth } from '../store/log-retention.ts';

export type RequestLogStatus = RequestLogHealth & { retention: RetentionHealth };

export function registerRequestLogMetrics(registry: Registry, status: () => RequestLogStatus): void {
  const registers = [registry];
  /** A counter whose value is read from `read` at each scrape. */
  const counter = (name: string, help: string, read: (s: RequestLogStatus) => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read(status()));
      },
    });
  counter('llm_router_log_write_failures_total', 'Request-log writes SQLite refused (locked, read-only, full); each is retried', (s) => s.write_failures);
  counter('llm_router_log_rows_written_total', 'Request-log rows written to SQLite', (s) => s.rows_written);
  counter('llm_router_log_rows_pruned_total', 'Request-log rows deleted by retention (age or row cap)', (s) => s.retention.rows_pruned);
  counter('llm_router_unauthenticated_requests_total', 'Chat requests refused for a missing or wrong client key (counted, not stored)', (s) => s.unauthenticated_requests);
  new Counter({
    name: 'llm_router_log_rows_dropped_total',
    help: 'Request-log rows lost: buffer_full (SQLite refused writes for too long) or unwritable (a row SQLite rejected)',
    labelNames: ['reason'],
    registers,
    collect() {
      this.reset();
      const { rows_dropped } = status();
      this.labels({ reason: 'buffer_full' }).inc(rows_dropped.buffer_full);
      this.labels({ reason: 'unwritable' }).inc(rows_dropped.unwritable);
    },
  });
  new Gauge({
    name: 'llm_router_log_rows_pending',
    help: 'Request-log rows queued and not yet written',
    registers,
    collect() {
      this.set(status().pending);
    },
  });
}
