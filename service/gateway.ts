// Composition root: builds every part from the configuration and hands back the HTTP app.
import type { Hono } from 'hono';
import type { GatewayConfig } from './config/gateway-config.ts';
import { createApp } from './http/app.ts';
import { ChatPipeline } from './pipeline/chat-pipeline.ts';
import { PrometheusMetrics } from './http/prometheus-metrics.ts';
import { ProviderRegistry, type ProviderFactory } from './providers/provider-registry.ts';
import type { ProviderType } from './providers/chat-provider.ts';
import { BreakerRegistry } from './walk/breaker-registry.ts';
import { CategoryRegistry, readCategoryFiles } from './plan/category-registry.ts';
import { ChainWalker } from './walk/chain-walker.ts';
import { ChatRouter } from './plan/chat-router.ts';
import { ConfigurableClassifier, type ClassifierSettings } from './classify/configurable-classifier.ts';
import { parseTarget } from './plan/target.ts';
import { CLASSIFIER_SETTINGS_KEY } from './http/classifier-routes.ts';
import { SettingsStore } from './store/settings-store.ts';
import { PriceTable, readPricingFiles } from './record/price-table.ts';
import { BreakerEventLog } from './store/breaker-event-log.ts';
import { CategoryStore } from './store/category-store.ts';
import { openDatabase } from './store/database.ts';
import { WalCheckpointer } from './store/wal-checkpointer.ts';
import { queryMetrics } from './store/metrics-query.ts';
import { getRequest, listRequests } from './store/request-query.ts';
import { RequestLog } from './store/request-log.ts';
import { LogRetention } from './store/log-retention.ts';
import { registerRequestLogMetrics, type RequestLogStatus } from './http/request-log-prometheus.ts';
import { ModelAliases } from './plan/model-aliases.ts';
import { ProviderHealth } from './providers/provider-health.ts';
import { applyDeclaredConfig } from './config/apply-declared-config.ts';
import { GroupRegistry } from './walk/groups/group-registry.ts';
import { GroupCatalog } from './plan/group-catalog.ts';
import type { Random } from './walk/groups/seeded-random.ts';
import { ResponseStore } from './store/response-store.ts';
import { queryMetricsSeries } from './store/metrics-series.ts';
import { CachedAnswers } from './cache/cached-answers.ts';
import { ResponseCacheStore } from './store/response-cache-store.ts';
import { CacheRollup } from './store/cache-rollup.ts';

/** How long a write waits for another worker process's lock (ROUTER_WORKERS > 1). */
const CLUSTER_BUSY_TIMEOUT_MS = 1000;

export interface Gateway {
  app: Hono;
  router: ChatRouter;
  /** The request path without HTTP, for in-process use (service/library.ts). */
  pipeline: ChatPipeline;
  breakers: BreakerRegistry;
  health: ProviderHealth;
  log: RequestLog;
  cache: CachedAnswers;
  prometheus: PrometheusMetrics;
  /** Counts stored config changes (the audit log's last id): another process changed the config when it moves. */
  configVersion(): number;
  /** Re-reads categories, aliases, groups and classifier settings from the store (another worker process changed them). */
  reloadConfig(): void;
  /** Flushes the request log, stops the WAL checkpointer and closes SQLite. */
  close(): Promise<void>;
}

export interface GatewayOverrides {
  providerFactories?: Partial<Record<ProviderType, ProviderFactory>>;
  /** Health probes by provider type, in place of the SDK listings. */
  healthProbes?: ConstructorParameters<typeof ProviderHealth>[1]['list'];
  /** The deployment groups' random source (a seeded one in tests); Math.random otherwise. */
  groupRandom?: Random;
  /** The response cache's clock (ms since the epoch), for tests of expiry. */
  cacheClock?: () => number;
  /** False when another process of the same database runs the WAL checkpoints (ROUTER_WORKERS: only the first worker does). */
  checkpointWal?: boolean;
  /** Which worker process this is, shown by /health and the x-router-worker header (ROUTER_WORKERS > 1). */
  worker?: { id: number; count: number };
}

/** Stored settings (changed over /config) win over the environment's; unusable ones are reported and skipped. */
function buildClassifier(fromEnv: ClassifierSettings, stored: ClassifierSettings | undefined, completeWith: ConstructorParameters<typeof ConfigurableClassifier>[1]): ConfigurableClassifier {
  if (stored) {
    try {
      return new ConfigurableClassifier({ ...fromEnv, ...stored }, completeWith);
    } catch (error) {
      console.warn(`[router] stored classifier settings are unusable (${(error as Error).message}); using the environment's`);
    }
  }
  return new ConfigurableClassifier(fromEnv, completeWith);
}

export function buildGateway(config: GatewayConfig, overrides: GatewayOverrides = {}): Gateway {
  const db = openDatabase(config.dbPath);
  // Checkpoints (and their fsync) run in a worker thread, never on the event loop.
  const checkpointer = config.dbPath === ':memory:' || overrides.checkpointWal === false ? undefined : new WalCheckpointer(db, config.dbPath);
  // Another process checkpoints; this one must not do it on its event loop either.
  if (overrides.checkpointWal === false) db.pragma('wal_autocheckpoint = 0');
  // Several worker processes write the one file: a config write that met another worker's log flush
  // (its process descheduled on a busy host) failed after 50 ms as a 500. Waiting longer is rare and short.
  if (overrides.worker) db.pragma(`busy_timeout = ${CLUSTER_BUSY_TIMEOUT_MS}`);
  const log = new RequestLog(db, { flushDelayMs: config.logFlushMs });
  const retention = new LogRetention(db, { retentionDays: config.logRetentionDays, maxRows: config.logMaxRows });
  retention.start();
  const requestLogStatus = (): RequestLogStatus => ({ ...log.health(), retention: retention.health() });
  const breakerEvents = new BreakerEventLog(db);
  const categoryStore = new CategoryStore(db);
  const categories = new CategoryRegistry(categoryStore, readCategoryFiles(config.categoriesDir));
  const prices = new PriceTable(readPricingFiles(config.pricingDir));
  const providers = new ProviderRegistry(config.providers, overrides.providerFactories ?? undefined, config.upstreamLimits);
  const breakers = new BreakerRegistry(config.breaker, config.breakerOverrides, {
    // A group's deployments are configured, not a client's ad-hoc targets: their breakers stay.
    permanent: () => new Set([...categories.list().flatMap((c) => c.chain), ...groups.deploymentIds()]),
    maxCooldownMs: config.maxCooldownMs,
  });
  breakers.onStateChange((target, state) => breakerEvents.add(target, state));
  const health = new ProviderHealth(config.providers, { ...config.health, list: overrides.healthProbes });
  const settings = new SettingsStore(db);
  const groups = new GroupRegistry({
    providers,
    breakers,
    priceOf: (target) => {
      const price = prices.price(target);
      return price ? price.input + price.output : undefined;
    },
    keyFromEnv: config.keyFromEnv ?? (() => undefined),
    random: overrides.groupRandom,
  });
  const groupCatalog = new GroupCatalog(config.groups ?? {}, settings, groups, (name) => providers.has(name));
  const walker = new ChainWalker(providers, breakers, { attemptTimeoutMs: config.attemptTimeoutMs, providerDown: (name) => health.providerDown(name) }, groups);
  const aliases = new ModelAliases(settings);
  // ROUTER_CONFIG's categories, aliases and classifier settings are written to the store before anything reads them.
  try {
    applyDeclaredConfig({
      declared: config.declared,
      categories,
      categoryStore,
      aliases,
      settings,
      classifierKey: CLASSIFIER_SETTINGS_KEY,
      hasProvider: (name) => providers.has(name),
      hasGroup: (name) => groupCatalog.has(name),
      classifierFromEnv: config.classifier,
    });
  } catch (error) {
    // The start stops here: leave no open database or breaker timers behind.
    breakers.shutdown();
    log.close();
    db.close();
    throw error;
  }
  const classifier = buildClassifier(config.classifier, settings.get<ClassifierSettings>(CLASSIFIER_SETTINGS_KEY), (target, request, signal) => {
    const parsed = parseTarget(target);
    if (!parsed) return Promise.reject(new Error(`classifier model "${target}" is not a provider/model target`));
    // The classifier's own call walks a one-target chain: breaker, deadline and error mapping included.
    return walker.complete([parsed], request, signal).then((r) => r.value);
  });
  const router = new ChatRouter({ categories, classifier, providers, walker, prices, log, aliases, groups });
  const cacheStore = new ResponseCacheStore(db, config.cache.maxBytes);
  const cache = new CachedAnswers({ inner: router, store: cacheStore, settings: config.cache, categories, maxEntryBytes: config.upstreamLimits.maxAnswerBytes, now: overrides.cacheClock });
  const prometheus = new PrometheusMetrics({
    breakers: () => breakers.snapshot(),
    chainTargets: () => [...categories.list().flatMap((c) => c.chain), ...groups.deploymentIds()],
    deployments: () => groups.snapshot().flatMap((g) => g.deployments),
    providerHealth: () => health.snapshot(),
    cache: () => ({ counters: cache.counters, bytes: cacheStore.bytes }),
  });
  log.onRecord((record) => prometheus.record(record));
  const cacheRollup = new CacheRollup(db);
  log.onRecord((record) => cacheRollup.add(record));
  registerRequestLogMetrics(prometheus.registry, requestLogStatus);

  const pipeline = new ChatPipeline({ router, answers: cache, providers: () => providers.configs(), requestTimeoutMs: config.requestTimeoutMs });
  const app = createApp({
    config,
    router,
    pipeline,
    categories,
    categoryStore,
    providers,
    breakers,
    breakerEvents,
    prices,
    prometheus,
    classifier,
    settings,
    aliases,
    health,
    groups: groupCatalog,
    groupStats: () => groups.snapshot(),
    worker: overrides.worker,
    responseStore: new ResponseStore(db, config.dialects.responsesStoreTtlMs),
    startedAt: Date.now(),
    requestLog: { status: requestLogStatus, countUnauthenticated: () => log.countUnauthenticated() },
    requests: {
      // Written first, so a request that just ended is listed.
      list: (filters, limit, cursor) => (log.flush(), listRequests(db, filters, limit, cursor)),
      get: (id) => (log.flush(), getRequest(db, id)),
    },
    metrics: (windowMs) => {
      log.flush();
      const stored = cacheStore.stats();
      return { ...queryMetrics(db, windowMs), cache: { ...cacheRollup.query(windowMs), stored_bytes: stored.bytes, entries: stored.entries, served_bytes_since_start: cache.counters.served_bytes } };
    },
    series: (query) => (log.flush(), queryMetricsSeries(db, query)),
    cache,
  });

  health.start();
  const lastAudit = db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM config_audit');
  let classifierJson = JSON.stringify(classifier.settings);
  let closed = false;
  return {
    app,
    router,
    pipeline,
    breakers,
    health,
    log,
    cache,
    prometheus,
    configVersion: () => (lastAudit.get() as { id: number }).id,
    reloadConfig() {
      categories.reloadFromStore();
      aliases.reloadFromStore();
      groupCatalog.reloadFromStore();
      const stored = settings.get<ClassifierSettings>(CLASSIFIER_SETTINGS_KEY);
      if (stored && JSON.stringify(stored) !== classifierJson) {
        try {
          classifier.apply({ ...config.classifier, ...stored });
        } catch (error) {
          console.warn(`[router] stored classifier settings are unusable (${(error as Error).message}); keeping the running ones`);
        }
        classifierJson = JSON.stringify(stored);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      retention.stop();
      health.stop();
      log.close();
      cacheRollup.close();
      try {
        cacheStore.flush();
      } catch (error) {
        console.warn(`[router] response cache: recent hits were not written (${(error as Error).message})`);
      }
      breakers.shutdown();
      // The worker's connection closes first, so the main one is the last and checkpoints the WAL away.
      await checkpointer?.close();
      db.close();
    },
  };
}
