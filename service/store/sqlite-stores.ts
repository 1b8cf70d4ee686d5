// The gateway's stores in one SQLite file: today's behaviour, unchanged for a single process and
// for ROUTER_WORKERS (the workers share the file in WAL mode and poll its config version).
import type { GatewayConfig } from '../config/gateway-config.ts';
import { BreakerEventLog } from './breaker-event-log.ts';
import { CacheRollup } from './cache-rollup.ts';
import { CategoryStore } from './category-store.ts';
import { openDatabase } from './database.ts';
import type { GatewayStores, OpenStoresOptions } from './gateway-stores.ts';
import { LogRetention } from './log-retention.ts';
import { queryMetricsSeries } from './metrics-series.ts';
import { RequestLog } from './request-log.ts';
import { SqliteRequestLogReader } from './request-log-reader.ts';
import { ResponseCacheStore } from './response-cache-store.ts';
import { ResponseStore } from './response-store.ts';
import { SettingsStore } from './settings-store.ts';
import { WalCheckpointer } from './wal-checkpointer.ts';

/** How long a write waits for another worker process's lock (ROUTER_WORKERS > 1). */
const CLUSTER_BUSY_TIMEOUT_MS = 1000;

export function openSqliteStores(config: GatewayConfig, options: OpenStoresOptions = {}): GatewayStores {
  const db = openDatabase(config.dbPath);
  // Checkpoints (and their fsync) run in a worker thread, never on the event loop.
  const checkpointer = config.dbPath === ':memory:' || options.checkpointWal === false ? undefined : new WalCheckpointer(db, config.dbPath);
  // Another process checkpoints; this one must not do it on its event loop either.
  if (options.checkpointWal === false) db.pragma('wal_autocheckpoint = 0');
  // Several worker processes write the one file: a config write that met another worker's log flush
  // (its process descheduled on a busy host) failed after 50 ms as a 500. Waiting longer is rare and short.
  if (options.clustered) db.pragma(`busy_timeout = ${CLUSTER_BUSY_TIMEOUT_MS}`);
  const log = new RequestLog(db, { flushDelayMs: config.logFlushMs, maxBufferedRows: config.logBufferRows });
  const retention = new LogRetention(db, { retentionDays: config.logRetentionDays, maxRows: config.logMaxRows });
  retention.start();
  const categories = new CategoryStore(db);
  const responseCache = new ResponseCacheStore(db, config.cache.maxBytes);
  const cacheRollup = new CacheRollup(db);
  const breakerEvents = new BreakerEventLog(db);
  let closed = false;
  return {
    backend: 'sqlite',
    requestLog: log,
    requests: new SqliteRequestLogReader(db, log),
    requestLogStatus: () => ({ ...log.health(), retention: retention.health() }),
    categories,
    settings: new SettingsStore(db),
    breakerEvents,
    responses: new ResponseStore(db, config.dialects.responsesStoreTtlMs),
    responseCache,
    cacheBytes: () => responseCache.bytes,
    cacheRollup,
    // Written first, so a request that just ended is counted.
    series: async (query) => (log.flush(), queryMetricsSeries(db, query)),
    configVersion: async () => categories.configVersion(),
    refresh: async () => {},
    onChange: () => {},
    async close() {
      if (closed) return;
      closed = true;
      retention.stop();
      log.close();
      cacheRollup.close();
      breakerEvents.close();
      try {
        responseCache.flush();
      } catch (error) {
        console.warn(`[router] response cache: recent hits were not written (${(error as Error).message})`);
      }
      // The worker's connection closes first, so the main one is the last and checkpoints the WAL away.
      await checkpointer?.close();
      db.close();
    },
  };
}
