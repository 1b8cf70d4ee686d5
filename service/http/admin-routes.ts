// Operator routes, mounted behind adminAuth: configuration (config-routes.ts), metrics
// (metrics-routes.ts), circuit breakers (breaker-routes.ts) and providers (provider-routes.ts).
import { Hono } from 'hono';
import type { GatewayConfig } from '../config/gateway-config.ts';
import type { ProviderRegistry } from '../providers/provider-registry.ts';
import type { BreakerRegistry } from '../walk/breaker-registry.ts';
import type { CategoryRegistry } from '../plan/category-registry.ts';
import type { PriceTable } from '../record/price-table.ts';
import type { BreakerEvent } from '../store/breaker-event-log.ts';
import type { CategoryStoreContract } from '../store/category-store-contract.ts';
import type { MetricsSummary } from '../store/metrics-query.ts';
import type { RequestFilters, RequestPage, RequestView } from '../store/request-query.ts';
import { requestRoutes } from './request-routes.ts';
import { breakerRoutes } from './breaker-routes.ts';
import { configRoutes } from './config-routes.ts';
import { metricsRoutes } from './metrics-routes.ts';
import type { PrometheusMetrics } from './prometheus-metrics.ts';
import type { RequestLogStatus } from './request-log-prometheus.ts';
import type { ModelAliases } from '../plan/model-aliases.ts';
import type { ProviderHealth } from '../providers/provider-health.ts';
import { providerRoutes } from './provider-routes.ts';
import { groupRoutes } from './group-routes.ts';
import type { GroupCatalog } from '../plan/group-catalog.ts';
import type { GroupSnapshot } from '../walk/groups/group-registry.ts';
import { seriesRoute } from './series-route.ts';
import type { MetricsSeries, SeriesQuery } from '../store/metrics-series.ts';
import { cacheRoutes, type CacheAdmin } from './cache-routes.ts';

export interface AdminDeps {
  config: GatewayConfig;
  categories: CategoryRegistry;
  /** The audit trail and the reload's transaction. */
  categoryStore: CategoryStoreContract;
  providers: ProviderRegistry;
  breakers: BreakerRegistry;
  /** Breaker state changes, newest first (from the store: async on PostgreSQL). */
  breakerEvents: { recent(limit?: number): BreakerEvent[] | Promise<BreakerEvent[]> };
  prices: PriceTable;
  metrics: (windowMs: number | null) => Promise<MetricsSummary>;
  prometheus: PrometheusMetrics;
  /** The request log's health (shown in /metrics) and the count of requests refused for their client key. */
  requestLog: { status: () => RequestLogStatus; countUnauthenticated: () => void };
  /** The request log, for GET /requests and GET /requests/{id}. */
  requests: { list: (filters: RequestFilters, limit: number, cursor: string | null) => Promise<RequestPage>; get: (id: string) => Promise<RequestView | undefined> };
  /** The dashboard overview's time series (GET /metrics/series). */
  series: (query: SeriesQuery) => Promise<MetricsSeries>;
  /** The running classifier, for its settings in GET /config (they are changed over /config/classifier). */
  classifier?: { readonly settings: unknown };
  aliases: ModelAliases;
  health: ProviderHealth;
  /** Deployment groups' definitions (GET/POST/DELETE /config/group…) and live counters (/metrics). */
  groups?: GroupCatalog;
  groupStats?: () => GroupSnapshot[];
  /** The response cache: GET /cache and DELETE /cache. */
  cache?: CacheAdmin;
}

/** The paths adminAuth guards. */
export const ADMIN_PATHS = ['/config', '/config/*', '/circuit-breaker', '/circuit-breaker/*', '/metrics', '/metrics/*', '/providers', '/requests', '/requests/*', '/cache'];

export function adminRoutes(deps: AdminDeps): Hono {
  const app = new Hono();
  app.route('/', configRoutes(deps));
  app.route('/', metricsRoutes(deps));
  app.route('/', breakerRoutes(deps));
  app.route('/', providerRoutes(deps));
  app.route('/', requestRoutes(deps));
  app.route('/', groupRoutes(deps));
  app.route('/', seriesRoute(deps));
  if (deps.cache) app.route('/', cacheRoutes(deps.cache));
  return app;
}
