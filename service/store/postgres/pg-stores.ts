// The gateway's stores on PostgreSQL (ROUTER_DATABASE_URL), shared by every replica: migrations
// under an advisory lock, then one change feed (LISTEN on a connection of its own) that tells this
// replica what the others changed, and the stores that keep memory copies for the request path.
import type { GatewayConfig } from '../../config/gateway-config.ts';
import type { GatewayStores, StoreChange } from '../gateway-stores.ts';
import { PgBreakerEventLog } from './pg-breaker-event-log.ts';
import { PgCacheRollup } from './pg-cache-rollup.ts';
import { queryPgMetricsSeries } from './pg-metrics-series.ts';
import { PgResponseCacheStore } from './pg-response-cache-store.ts';
import { PgResponseStore } from './pg-response-store.ts';
import { createPgPool, migratePostgres, redactUrl } from './pg-database.ts';
import { EVERYTHING, PgChangeFeed } from './pg-change-feed.ts';
import { CATEGORIES_TOPIC, PgCategoryStore } from './pg-category-store.ts';
import { COOLDOWNS_TOPIC, PgCooldownBoard, resetTarget } from './pg-cooldown-board.ts';
import { PgLogRetention } from './pg-log-retention.ts';
import { PgRequestLog } from './pg-request-log.ts';
import { PgRequestLogReader } from './pg-request-log-reader.ts';
import { PgSettingsStore, SETTINGS_TOPIC } from './pg-settings-store.ts';

/** Connections per replica: the log's writer, the change feed's own, and the admin reads. */
const POOL_SIZE = 10;
/** The safety net under NOTIFY: a change whose notification was lost is read within this. */
const RESYNC_MS = 5_000;

/** What a notification's topic means to the gateway. */
export function changesOf(topic: string): StoreChange[] {
  if (topic === SETTINGS_TOPIC || topic === CATEGORIES_TOPIC) return ['config'];
  if (topic === COOLDOWNS_TOPIC) return ['cooldowns'];
  if (topic === EVERYTHING) return ['config', 'cooldowns'];
  const target = resetTarget(topic);
  return target === undefined ? [] : [{ kind: 'breaker-reset', target }];
}

export async function openPgStores(config: GatewayConfig): Promise<GatewayStores> {
  const url = config.databaseUrl!;
  const pool = createPgPool(url, { max: POOL_SIZE });
  const listeners: Array<(change: StoreChange) => void> = [];
  const feed = new PgChangeFeed({
    url,
    resyncMs: RESYNC_MS,
    onChange: (topic) => {
      for (const change of changesOf(topic)) for (const listener of listeners) listener(change);
    },
  });
  const opened: Array<() => unknown> = [() => pool.end()];
  try {
    await migratePostgres(pool);
    await feed.start();
    opened.unshift(() => feed.stop());
    const settings = await PgSettingsStore.open(pool, feed);
    const categories = await PgCategoryStore.open(pool, feed);
    const log = new PgRequestLog(pool, { flushDelayMs: config.logFlushMs, maxBufferedRows: config.logBufferRows });
    const retention = new PgLogRetention(pool, { retentionDays: config.logRetentionDays, maxRows: config.logMaxRows });
    retention.start();
    const breakerEvents = new PgBreakerEventLog(pool);
    const responseCache = new PgResponseCacheStore(pool, config.cache.maxBytes);
    const cacheRollup = new PgCacheRollup(pool);
    let cacheBytes = 0;
    let closed = false;
    return {
      backend: 'postgres',
      requestLog: log,
      requests: new PgRequestLogReader(pool, log),
      requestLogStatus: () => ({ ...log.health(), retention: retention.health() }),
      categories,
      settings,
      breakerEvents,
      responses: new PgResponseStore(pool, config.dialects.responsesStoreTtlMs),
      responseCache,
      // A scrape while PostgreSQL is away shows the last size read, rather than failing the whole scrape.
      cacheBytes: async () => {
        try {
          cacheBytes = (await responseCache.stats()).bytes;
        } catch {
          // kept: the last size read
        }
        return cacheBytes;
      },
      cacheRollup,
      // This replica's queued rows are written first, so a request that just ended is counted.
      series: async (query) => (await log.flush(), queryPgMetricsSeries(pool, query)),
      configVersion: () => categories.configVersion(),
      refresh: async () => {
        await Promise.all([settings.refresh(), categories.refresh()]);
      },
      onChange: (listener) => listeners.push(listener),
      sharedCooldowns: new PgCooldownBoard(pool, feed),
      async close() {
        if (closed) return;
        closed = true;
        await Promise.all([feed.stop(), retention.stop()]);
        await Promise.all([log.close(), breakerEvents.close(), cacheRollup.close(), Promise.resolve(responseCache.flush()).catch(() => {})]);
        await pool.end();
      },
    };
  } catch (error) {
    for (const close of opened) await Promise.resolve(close()).catch(() => {});
    throw new Error(`PostgreSQL store at ${redactUrl(url)}: ${(error as Error).message}`, { cause: error });
  }
}
