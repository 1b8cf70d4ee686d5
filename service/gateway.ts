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
import { queryMetrics } from './store/metrics-query.ts';
import { getRequest, listRequests } from './store/request-query.ts';
import { RequestLog } from './store/request-log.ts';
import { LogRetention } from './store/log-retention.ts';
import { registerRequestLogMetrics, type RequestLogStatus } from './http/request-log-prometheus.ts';
import { ResponseStore } from './store/response-store.ts';

export interface Gateway {
  app: Hono;
  router: ChatRouter;
  breakers: BreakerRegistry;
  log: RequestLog;
  /** Flushes the request log and closes SQLite. */
  close(): void;
}

export interface GatewayOverrides {
  providerFactories?: Partial<Record<ProviderType, ProviderFactory>>;
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
    permanent: () => new Set(categories.list().flatMap((c) => c.chain)),
    maxCooldownMs: config.maxCooldownMs,
  });
  breakers.onStateChange((target, state) => breakerEvents.add(target, state));
  const walker = new ChainWalker(providers, breakers, { attemptTimeoutMs: config.attemptTimeoutMs });
  const settings = new SettingsStore(db);
  const classifier = buildClassifier(config.classifier, settings.get<ClassifierSettings>(CLASSIFIER_SETTINGS_KEY), (target, request, signal) => {
    const parsed = parseTarget(target);
    if (!parsed) return Promise.reject(new Error(`classifier model "${target}" is not a provider/model target`));
    // The classifier's own call walks a one-target chain: breaker, deadline and error mapping included.
    return walker.complete([parsed], request, signal).then((r) => r.value);
  });
  const router = new ChatRouter({ categories, classifier, providers, walker, prices, log });
  const prometheus = new PrometheusMetrics({ breakers: () => breakers.snapshot(), chainTargets: () => categories.list().flatMap((c) => c.chain) });
  log.onRecord((record) => prometheus.record(record));
  registerRequestLogMetrics(prometheus.registry, requestLogStatus);

  const pipeline = new ChatPipeline({ router, providers: () => providers.configs(), requestTimeoutMs: config.requestTimeoutMs });
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
      return queryMetrics(db, windowMs);
    },
  });

  let closed = false;
  return {
    app,
    router,
    breakers,
    log,
    close() {
      if (closed) return;
      closed = true;
      retention.stop();
      log.close();
      breakers.shutdown();
      db.close();
    },
  };
}
