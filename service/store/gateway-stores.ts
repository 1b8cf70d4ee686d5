// The store seam of the composition root: every store the gateway needs, as one typed object, on
// SQLite (the embedded default: one file, one host) or on PostgreSQL (ROUTER_DATABASE_URL: several
// replicas share it). Nothing above this file knows which database it is; routes go through these
// contracts and never see SQL. Reads the request path makes are synchronous on both (PostgreSQL's
// stores keep memory copies, refreshed on the change feed); writes and admin reads are awaited.
import type { GatewayConfig } from '../config/gateway-config.ts';
import type { RequestLogStatus } from '../http/request-log-prometheus.ts';
import type { BreakerEventLogContract } from './breaker-event-log-contract.ts';
import type { CacheRollupContract } from './cache-rollup.ts';
import type { CategoryStoreContract } from './category-store-contract.ts';
import type { MetricsSeries, SeriesQuery } from './metrics-series.ts';
import type { RequestLogReader, RequestLogWriter } from './request-log-contract.ts';
import type { ResponseCacheStoreContract } from './response-cache-store-contract.ts';
import type { ResponseStoreContract } from './response-store-contract.ts';
import type { SettingsStorage } from './settings-store.ts';
import type { SharedCooldowns } from './shared-cooldowns.ts';

/** Which topics of a change another replica made: `config` (categories, aliases, groups, classifier) or `cooldowns`. */
export type StoreChange = 'config' | 'cooldowns' | { kind: 'breaker-reset'; target: string | null };

export interface GatewayStores {
  readonly backend: 'sqlite' | 'postgres';
  requestLog: RequestLogWriter;
  requests: RequestLogReader;
  /** The request log's health with its retention's (shown by /health, /metrics and Prometheus). */
  requestLogStatus(): RequestLogStatus;
  categories: CategoryStoreContract;
  settings: SettingsStorage;
  breakerEvents: BreakerEventLogContract;
  responses: ResponseStoreContract;
  responseCache: ResponseCacheStoreContract;
  /** The bytes the response cache holds, for the Prometheus gauge (a query on PostgreSQL). */
  cacheBytes(): number | Promise<number>;
  cacheRollup: CacheRollupContract;
  series(query: SeriesQuery): Promise<MetricsSeries>;
  /** Grows with every stored configuration change (the audit log's last id). */
  configVersion(): Promise<number>;
  /** Re-reads the memory copies of shared configuration (PostgreSQL); nothing to do on SQLite. */
  refresh(): Promise<void>;
  /** Hears changes other replicas made (PostgreSQL's LISTEN/NOTIFY, and its periodic re-read); SQLite has none. */
  onChange(listener: (change: StoreChange) => void): void;
  /** 429 cool-downs and breaker resets shared with other replicas (PostgreSQL); undefined on SQLite. */
  sharedCooldowns?: SharedCooldowns;
  /** Flushes what is queued and closes every connection or file. */
  close(): Promise<void>;
}

export interface OpenStoresOptions {
  /** False when another process of the same SQLite file runs the WAL checkpoints (ROUTER_WORKERS). */
  checkpointWal?: boolean;
  /** Several worker processes write the one SQLite file (ROUTER_WORKERS > 1). */
  clustered?: boolean;
}

/** PostgreSQL when ROUTER_DATABASE_URL is set, else the SQLite file. */
export async function openStores(config: GatewayConfig, options: OpenStoresOptions = {}): Promise<GatewayStores> {
  if (config.databaseUrl) {
    const { openPgStores } = await import('./postgres/pg-stores.ts');
    return openPgStores(config);
  }
  const { openSqliteStores } = await import('./sqlite-stores.ts');
  return openSqliteStores(config, options);
}
