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
import { PriceTable, readPricingFiles } from './record/price-table.ts';
import type { RequestLogWriter } from './store/request-log-contract.ts';
import { registerRequestLogMetrics } from './http/request-log-prometheus.ts';
import { ModelAliases } from './plan/model-aliases.ts';
import { ProviderHealth } from './providers/provider-health.ts';
import { applyDeclaredConfig } from './config/apply-declared-config.ts';
import { GroupRegistry } from './walk/groups/group-registry.ts';
import { GroupCatalog } from './plan/group-catalog.ts';
import type { Random } from './walk/groups/seeded-random.ts';
import { CachedAnswers } from './cache/cached-answers.ts';
import { openStores, type GatewayStores } from './store/gateway-stores.ts';
import { syncReplicas } from './process/replica-sync.ts';

export interface Gateway {
  app: Hono;
  router: ChatRouter;
  /** The request path without HTTP, for in-process use (service/library.ts). */
  pipeline: ChatPipeline;
  breakers: BreakerRegistry;
  health: ProviderHealth;
  log: RequestLogWriter;
  cache: CachedAnswers;
  prometheus: PrometheusMetrics;
  /** The stores, on SQLite or PostgreSQL (store/gateway-stores.ts). */
  stores: GatewayStores;
  /** Counts stored config changes (the audit log's last id): another process changed the config when it moves. */
  configVersion(): Promise<number>;
  /** Re-reads categories, aliases, groups and classifier settings from the store (another worker process or replica changed them). */
  reloadConfig(): Promise<void>;
  /** Flushes the request log and closes the stores (SQLite's WAL checkpointer, PostgreSQL's connections). */
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
  /** Stores opened already (a test's); otherwise they are opened from the configuration. */
  stores?: GatewayStores;
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

/** Opens the stores the configuration names (SQLite, or PostgreSQL with ROUTER_DATABASE_URL) and builds the gateway on them. */
export async function buildGateway(config: GatewayConfig, overrides: GatewayOverrides = {}): Promise<Gateway> {
  const stores = overrides.stores ?? (await openStores(config, { checkpointWal: overrides.checkpointWal, clustered: overrides.worker !== undefined }));
  try {
    return await assembleGateway(config, overrides, stores);
  } catch (error) {
    // The start stops here: leave no open database or connection behind.
    await stores.close().catch(() => {});
    throw error;
  }
}

async function assembleGateway(config: GatewayConfig, overrides: GatewayOverrides, stores: GatewayStores): Promise<Gateway> {
  const log = stores.requestLog;
  const requestLogStatus = () => stores.requestLogStatus();
  const breakerEvents = stores.breakerEvents;
  const categoryStore = stores.categories;
  const categories = await CategoryRegistry.open(categoryStore, readCategoryFiles(config.categoriesDir));
  const prices = new PriceTable(readPricingFiles(config.pricingDir));
  const providers = new ProviderRegistry(config.providers, overrides.providerFactories ?? undefined, config.upstreamLimits);
  const breakers = new BreakerRegistry(config.breaker, config.breakerOverrides, {
    // A group's deployments are configured, not a client's ad-hoc targets: their breakers stay.
    permanent: () => new Set([...categories.list().flatMap((c) => c.chain), ...groups.deploymentIds()]),
    maxCooldownMs: config.maxCooldownMs,
  });
  breakers.onStateChange((target, state) => breakerEvents.add(target, state));
  const health = new ProviderHealth(config.providers, { ...config.health, list: overrides.healthProbes });
  const settings = stores.settings;
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
    await applyDeclaredConfig({
      declared: config.declared,
      categories,
      aliases,
      settings,
      classifierKey: CLASSIFIER_SETTINGS_KEY,
      hasProvider: (name) => providers.has(name),
      hasGroup: (name) => groupCatalog.has(name),
      classifierFromEnv: config.classifier,
    });
  } catch (error) {
    // The start stops here: leave no breaker timers behind (buildGateway closes the stores).
    breakers.shutdown();
    throw error;
  }
  const classifier = buildClassifier(config.classifier, settings.get<ClassifierSettings>(CLASSIFIER_SETTINGS_KEY), (target, request, signal) => {
    const parsed = parseTarget(target);
    if (!parsed) return Promise.reject(new Error(`classifier model "${target}" is not a provider/model target`));
    // The classifier's own call walks a one-target chain: breaker, deadline and error mapping included.
    return walker.complete([parsed], request, signal).then((r) => r.value);
  });
  const router = new ChatRouter({ categories, classifier, providers, walker, prices, log, aliases, groups });
  const cacheStore = stores.responseCache;
  const cache = new CachedAnswers({ inner: router, store: cacheStore, settings: config.cache, categories, maxEntryBytes: config.upstreamLimits.maxAnswerBytes, now: overrides.cacheClock });
  const prometheus = new PrometheusMetrics({
    breakers: () => breakers.snapshot(),
    chainTargets: () => [...categories.list().flatMap((c) => c.chain), ...groups.deploymentIds()],
    deployments: () => groups.snapshot().flatMap((g) => g.deployments),
    providerHealth: () => health.snapshot(),
    cache: () => ({ counters: cache.counters, bytes: stores.cacheBytes() }),
  });
  log.onRecord((record) => prometheus.record(record));
  const cacheRollup = stores.cacheRollup;
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
    responseStore: stores.responses,
    startedAt: Date.now(),
    requestLog: { status: requestLogStatus, countUnauthenticated: () => log.countUnauthenticated() },
    // The readers write this process's queued rows first, so a request that just ended is listed and counted.
    requests: stores.requests,
    metrics: async (windowMs) => {
      const [summary, rollup, stored] = await Promise.all([stores.requests.metrics(windowMs), cacheRollup.query(windowMs), cacheStore.stats()]);
      return { ...summary, cache: { ...rollup, stored_bytes: stored.bytes, entries: stored.entries, served_bytes_since_start: cache.counters.served_bytes } };
    },
    series: (query) => stores.series(query),
    cache,
  });

  let classifierJson = JSON.stringify(classifier.settings);
  let closed = false;
  async function reloadConfig(): Promise<void> {
    if (closed) return;
    // PostgreSQL's stores re-read their memory copies first; SQLite's registries read the file.
    await stores.refresh();
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
  }
  // PostgreSQL: other replicas' config changes, cool-downs and breaker resets reach this one.
  await syncReplicas({ stores, breakers, reloadConfig }).ready;

  health.start();
  return {
    app,
    router,
    pipeline,
    breakers,
    health,
    log,
    cache,
    prometheus,
    stores,
    configVersion: () => stores.configVersion(),
    reloadConfig,
    async close() {
      if (closed) return;
      closed = true;
      health.stop();
      breakers.shutdown();
      await stores.close();
    },
  };
}
