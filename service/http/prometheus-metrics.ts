// Prometheus metrics (prom-client), fed by every request-log row as it is queued and, at scrape
// time, by the breakers' states. Counters live in this process: they restart at zero with it,
// which rate() and increase() expect; the JSON /metrics reads SQLite for totals that survive.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BreakerSnapshot } from '../walk/breaker-registry.ts';
import type { DeploymentSnapshot } from '../walk/groups/group-registry.ts';
import type { RequestRecord } from '../store/request-log.ts';

export interface PrometheusDeps {
  breakers: () => BreakerSnapshot[];
  /** Targets named in a chain; reported closed until their breaker exists, so dashboards see every one. */
  chainTargets?: () => Iterable<string>;
  /** Deployment groups' deployments, read at scrape time (their number is bounded by the configuration). */
  deployments?: () => DeploymentSnapshot[];
  /** Node process metrics (CPU, memory, event loop lag, GC); on by default. */
  processMetrics?: boolean;
  /** Each provider's health-probe status (provider-health.ts). */
  providerHealth?: () => Array<{ name: string; status: string }>;
  /** The response cache's figures since the start, read at scrape time. */
  cache?: () => { counters: { hits: number; misses: number; bypassed: number; refreshed: number; stored: number; write_errors: number; served_bytes: number }; bytes: number | Promise<number> };
}

const BREAKER_STATES = ['closed', 'half_open', 'open'] as const;

/**
 * Targets outside every chain (a client's direct `provider/model`) get their own series up to
 * this many; beyond it they share target="other", so clients cannot grow the scrape without bound.
 */
const MAX_AD_HOC_TARGET_LABELS = 100;

/** Seconds. Whole requests run from milliseconds (a 401) to minutes (a long agent turn). */
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300];
const TTFB_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];

export class PrometheusMetrics {
  readonly registry = new Registry();
  #textSource: (() => Promise<string>) | undefined;
  readonly #requests;
  readonly #latency;
  readonly #ttfb;
  readonly #tokens;
  readonly #cachedTokens;
  readonly #reasoningTokens;
  readonly #cost;
  readonly #unpriced;
  readonly #estimated;
  readonly #attempts;
  readonly #cacheSaved;
  readonly #deps: PrometheusDeps;
  readonly #adHocTargets = new Set<string>();
  #chainTargets: { at: number; set: ReadonlySet<string> } = { at: -Infinity, set: new Set() };

  constructor(deps: PrometheusDeps) {
    this.#deps = deps;
    const registers = [this.registry];
    const perTarget = ['category', 'target'] as const;
    this.#requests = new Counter({ name: 'llm_router_requests_total', help: 'Chat requests answered, by category, serving target and HTTP status', labelNames: ['category', 'target', 'status'], registers });
    this.#latency = new Histogram({ name: 'llm_router_request_duration_seconds', help: 'Whole request time, arrival to last byte', labelNames: perTarget, buckets: LATENCY_BUCKETS, registers });
    this.#ttfb = new Histogram({ name: 'llm_router_time_to_first_byte_seconds', help: 'Arrival to the first byte of the answer (for streams: the first content chunk)', labelNames: perTarget, buckets: TTFB_BUCKETS, registers });
    this.#tokens = new Counter({ name: 'llm_router_tokens_total', help: 'Tokens by kind: prompt (cached included) and completion (reasoning included)', labelNames: ['category', 'target', 'kind'], registers });
    this.#cachedTokens = new Counter({ name: 'llm_router_cached_prompt_tokens_total', help: 'Prompt tokens served from the provider cache (part of the prompt tokens)', labelNames: perTarget, registers });
    this.#reasoningTokens = new Counter({ name: 'llm_router_reasoning_tokens_total', help: 'Reasoning/thinking tokens (part of the completion tokens)', labelNames: perTarget, registers });
    this.#cost = new Counter({ name: 'llm_router_cost_usd_total', help: 'USD spent, by where the figure came from: upstream (OpenRouter usage.cost), pricing, or estimated tokens', labelNames: ['category', 'target', 'source'], registers });
    this.#unpriced = new Counter({ name: 'llm_router_unpriced_requests_total', help: 'Answered requests whose model has no price in pricing/ (cost recorded as null)', labelNames: ['target'], registers });
    this.#estimated = new Counter({ name: 'llm_router_estimated_usage_requests_total', help: 'Answered requests whose upstream reported no usage (tokens estimated from text length)', labelNames: ['target'], registers });
    this.#attempts = new Counter({ name: 'llm_router_attempts_total', help: 'Chain entries considered, by target and outcome (ok, error, skipped, breaker_open, …)', labelNames: ['target', 'outcome'], registers });

    this.#cacheSaved = new Counter({ name: 'llm_router_cache_saved_usd_total', help: 'USD the response cache saved: what its hits would have cost upstream', labelNames: perTarget, registers });
    if (deps.cache) registerCacheMetrics(this.registry, deps.cache);

    const labelOf = (target: string) => this.#targetLabel(target);
    new Gauge({
      name: 'llm_router_breaker_state',
      help: "1 for each target's current breaker state (closed, half_open, open), 0 for the others",
      labelNames: ['target', 'state'],
      registers,
      // ROUTER_WORKERS > 1: the primary sums counters over workers; this state is 1 when open in any worker.
      aggregator: 'max',
      collect() {
        this.reset();
        const states = new Map<string, string>();
        for (const target of deps.chainTargets?.() ?? []) states.set(target, 'closed');
        for (const b of deps.breakers()) if (labelOf(b.target) === b.target) states.set(b.target, b.state);
        for (const [target, current] of states) for (const state of BREAKER_STATES) this.set({ target, state }, current === state ? 1 : 0);
      },
    });

    new Gauge({
      name: 'llm_router_provider_up',
      help: "1 while a provider's health probes succeed, 0 once it counts as down; absent before its first probe",
      labelNames: ['provider'],
      registers,
      // ROUTER_WORKERS > 1: the primary sums counters over workers; this state is 0 when down in any worker.
      aggregator: 'min',
      collect() {
        this.reset();
        for (const p of deps.providerHealth?.() ?? []) if (p.status === 'up' || p.status === 'down') this.set({ provider: p.name }, p.status === 'up' ? 1 : 0);
      },
    });

    if (deps.deployments) this.#deploymentGauges(deps.deployments, registers);
    if (deps.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Per deployment of each group: in flight, picks, share, moving-average latency and breaker state. */
  #deploymentGauges(read: () => DeploymentSnapshot[], registers: Registry[]): void {
    const labelNames = ['group', 'deployment'] as const;
    const gauge = (name: string, help: string, value: (d: DeploymentSnapshot) => number | null) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          for (const d of read()) {
            const v = value(d);
            if (v !== null) this.set({ group: d.group, deployment: d.id }, v);
          }
        },
      });
    gauge('llm_router_deployment_in_flight', 'Calls running on a group deployment now', (d) => d.in_flight);
    new Counter({
      name: 'llm_router_deployment_picks_total',
      help: 'Times a group picked this deployment since the process started',
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const d of read()) this.inc({ group: d.group, deployment: d.id }, d.picks);
      },
    });
    gauge('llm_router_deployment_pick_share', "This deployment's picks over its group's, 0-1", (d) => d.share);
    gauge('llm_router_deployment_latency_seconds', 'Moving average of time to first token on this deployment', (d) => (d.latency_ms === null ? null : d.latency_ms / 1000));
    new Gauge({
      name: 'llm_router_deployment_breaker_state',
      help: "1 for each group deployment's current breaker state (closed, half_open, open), 0 for the others",
      labelNames: ['group', 'deployment', 'state'],
      registers,
      // ROUTER_WORKERS > 1: the primary sums counters over workers; this state is 1 when open in any worker.
      aggregator: 'max',
      collect() {
        this.reset();
        for (const d of read()) for (const state of BREAKER_STATES) this.set({ group: d.group, deployment: d.id, state }, d.breaker_state === state ? 1 : 0);
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** ROUTER_WORKERS > 1: the text comes from the primary, summed over every worker's registry. */
  textFrom(source: () => Promise<string>): void {
    this.#textSource = source;
  }

  text(): Promise<string> {
    return this.#textSource ? this.#textSource() : this.registry.metrics();
  }

  /**
   * Counts one request-log row. Labelled children are looked up once per label set and kept:
   * prom-client hashes a label object on every call otherwise, which was most of this method's cost.
   */
  record(r: RequestRecord): void {
    const category = r.category ?? 'none';
    const target = r.target === null ? 'none' : this.#targetLabel(r.target);
    const series = this.#series(category, target);
    this.#cached(`requests\u0000${category}\u0000${target}\u0000${r.status}`, () => this.#requests.labels({ category, target, status: String(r.status) })).inc();
    series.latency.observe(r.totalMs / 1000);
    if (r.ttfbMs !== null) series.ttfb.observe(r.ttfbMs / 1000);
    if (r.promptTokens) series.prompt.inc(r.promptTokens);
    if (r.completionTokens) series.completion.inc(r.completionTokens);
    if (r.cachedTokens) series.cached.inc(r.cachedTokens);
    if (r.reasoningTokens) series.reasoning.inc(r.reasoningTokens);
    if (r.costUsd !== null && r.costUsd > 0) this.#cached(`cost\u0000${category}\u0000${target}\u0000${r.costSource}`, () => this.#cost.labels({ category, target, source: r.costSource })).inc(r.costUsd);
    if (r.target !== null && r.costSource === 'unpriced') this.#cached(`unpriced\u0000${target}`, () => this.#unpriced.labels({ target })).inc();
    if (r.target !== null && r.usageEstimated) this.#cached(`estimated\u0000${target}`, () => this.#estimated.labels({ target })).inc();
    if (r.costSavedUsd) this.#cached(`saved\u0000${category}\u0000${target}`, () => this.#cacheSaved.labels({ category, target })).inc(r.costSavedUsd);
    for (const a of r.attempts) {
      const label = this.#targetLabel(a.target);
      this.#cached(`attempts\u0000${label}\u0000${a.outcome}`, () => this.#attempts.labels({ target: label, outcome: a.outcome })).inc();
    }
  }

  #targetLabel(target: string): string {
    const now = performance.now();
    // Chains change rarely; their target set is re-read at most once a second.
    if (now - this.#chainTargets.at > 1000) this.#chainTargets = { at: now, set: new Set(this.#deps.chainTargets?.() ?? []) };
    if (this.#chainTargets.set.has(target) || this.#adHocTargets.has(target)) return target;
    if (this.#adHocTargets.size >= MAX_AD_HOC_TARGET_LABELS) return 'other';
    this.#adHocTargets.add(target);
    return target;
  }

  readonly #children = new Map<string, unknown>();

  #cached<T>(key: string, make: () => T): T {
    let child = this.#children.get(key) as T | undefined;
    if (child === undefined) {
      child = make();
      this.#children.set(key, child);
    }
    return child;
  }

  #series(category: string, target: string) {
    return this.#cached(`series\u0000${category}\u0000${target}`, () => {
      const labels = { category, target };
      return {
        latency: this.#latency.labels(labels),
        ttfb: this.#ttfb.labels(labels),
        prompt: this.#tokens.labels({ ...labels, kind: 'prompt' }),
        completion: this.#tokens.labels({ ...labels, kind: 'completion' }),
        cached: this.#cachedTokens.labels(labels),
        reasoning: this.#reasoningTokens.labels(labels),
      };
    });
  }
}

/** Cache counters live in the cache (service/cache); these read them at scrape time. */
function registerCacheMetrics(registry: Registry, read: NonNullable<PrometheusDeps['cache']>): void {
  const registers = [registry];
  new Counter({
    name: 'llm_router_cache_requests_total',
    help: 'Cacheable requests by what the response cache did: hit, miss, bypass, refresh',
    labelNames: ['result'],
    registers,
    collect() {
      const c = read().counters;
      this.reset();
      for (const [result, n] of [['hit', c.hits], ['miss', c.misses], ['bypass', c.bypassed], ['refresh', c.refreshed]] as const) this.inc({ result }, n);
    },
  });
  new Counter({ name: 'llm_router_cache_stored_total', help: 'Answers written to the response cache', registers, collect() { this.reset(); this.inc(read().counters.stored); } });
  new Counter({ name: 'llm_router_cache_write_errors_total', help: 'Response cache writes that failed (the client was answered all the same)', registers, collect() { this.reset(); this.inc(read().counters.write_errors); } });
  new Counter({ name: 'llm_router_cache_served_bytes_total', help: 'Bytes of stored answers sent from the response cache', registers, collect() { this.reset(); this.inc(read().counters.served_bytes); } });
  new Gauge({ name: 'llm_router_cache_bytes', help: 'Bytes the response cache holds (counted against ROUTER_CACHE_MAX_MB)', registers, async collect() { this.set(await read().bytes); } });
  new Gauge({
    name: 'llm_router_cache_hit_ratio',
    help: 'Hits / (hits + misses) since the start; 0 before the first lookup',
    registers,
    collect() {
      const { hits, misses } = read().counters;
      this.set(hits + misses === 0 ? 0 : hits / (hits + misses));
    },
  });
}
