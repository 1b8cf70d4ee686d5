// Live provider health: every configured provider is probed in the background with a cheap model
// listing through its official SDK (health/list-models.ts), never on the request path. A provider
// that fails `failuresBeforeDown` probes in a row counts as down until a probe succeeds; with
// health-aware routing on, the walk skips its targets like open breakers.
import type { HealthOptions, ProviderConfig } from '../config/gateway-config.ts';
import { runDetached } from '../process/detached-task.ts';
import { redactSecrets } from './secret-redaction.ts';
import { LIST_MODELS, isListed, type ListModels } from './health/list-models.ts';
import type { ProviderType } from './chat-provider.ts';

export type HealthStatus = 'unknown' | 'up' | 'down' | 'not_configured';

export interface ProviderHealthView {
  name: string;
  type: ProviderType;
  status: HealthStatus;
  /** Why the last probe failed (kept until one succeeds). */
  reason: string | null;
  last_check: string | null;
  latency_ms: number | null;
  failures_in_a_row: number;
  /** How many models the last successful probe listed, and when. */
  models_seen: number | null;
  models_seen_at: string | null;
}

interface State {
  lastCheck: number | null;
  /** The last probe the host answered (with a listing, or without one: see NO_LISTING). */
  lastOk: number | null;
  latencyMs: number | null;
  failuresInARow: number;
  reason: string | null;
  models: ReadonlySet<string> | null;
  modelsAt: number | null;
  running: Promise<void> | null;
}

export interface ProviderHealthOptions extends HealthOptions {
  /** The longest one probe may take. */
  probeTimeoutMs?: number;
  /** Probe functions by provider type (tests may replace them). */
  list?: Partial<Record<ProviderType, ListModels>>;
}

export class ProviderHealth {
  readonly #configs: ProviderConfig[];
  readonly #options: Required<Omit<ProviderHealthOptions, 'list'>>;
  readonly #list: Record<ProviderType, ListModels>;
  readonly #states = new Map<string, State>();
  #timer: NodeJS.Timeout | undefined;

  constructor(configs: ProviderConfig[], options: ProviderHealthOptions) {
    this.#configs = configs;
    this.#options = { probeTimeoutMs: 10_000, ...options };
    this.#list = { ...LIST_MODELS, ...options.list };
    for (const config of configs) {
      this.#states.set(config.name, { lastCheck: null, lastOk: null, latencyMs: null, failuresInARow: 0, reason: null, models: null, modelsAt: null, running: null });
    }
  }

  get intervalMs(): number {
    return this.#options.intervalMs;
  }

  /** Probes every configured provider now and then every interval; a no-op when the interval is 0. */
  start(): void {
    if (this.#options.intervalMs <= 0 || this.#timer) return;
    runDetached('provider health check', () => this.checkAll());
    this.#timer = setInterval(() => runDetached('provider health check', () => this.checkAll()), this.#options.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Probes every configured provider at once; never rejects (a failed probe is a state, not an error). */
  async checkAll(): Promise<void> {
    await Promise.all(this.#configs.filter((c) => c.configured).map((c) => this.check(c.name)));
  }

  /** Probes the configured providers never probed yet (GET /v1/models?upstream=1 with probing off). */
  async checkUnprobed(): Promise<void> {
    await Promise.all(this.#configs.filter((c) => c.configured && this.#states.get(c.name)?.lastCheck === null).map((c) => this.check(c.name)));
  }

  /** One probe of one provider; a probe already running is joined, not doubled. */
  check(name: string): Promise<void> {
    const config = this.#configs.find((c) => c.name === name);
    const state = this.#states.get(name);
    if (!config?.configured || !state) return Promise.resolve();
    state.running ??= this.#probe(config, state).finally(() => {
      state.running = null;
    });
    return state.running;
  }

  /** Health-aware routing: why a provider's targets are skipped now, and when it is probed next; undefined when they are not. */
  providerDown(name: string, now = Date.now()): { reason: string; nextProbeAt: number } | undefined {
    if (!this.#options.routing || this.#options.intervalMs <= 0) return undefined;
    const state = this.#states.get(name);
    if (!state || state.failuresInARow < this.#options.failuresBeforeDown) return undefined;
    // Down until a probe succeeds: even with the next probe due now, the provider is not callable yet.
    const nextProbeAt = Math.max(now + 1, (state.lastCheck ?? now) + this.#options.intervalMs);
    return { reason: `provider "${name}" failed its last ${state.failuresInARow} health probes: ${state.reason ?? 'unknown error'}`, nextProbeAt };
  }

  /** The models the provider listed at its last successful probe; undefined when never listed. */
  listed(name: string): ReadonlySet<string> | undefined {
    return this.#states.get(name)?.models ?? undefined;
  }

  /** Whether a chain target names a model its provider lists; undefined when the listing is unknown. */
  targetListed(provider: string, model: string): boolean | undefined {
    const config = this.#configs.find((c) => c.name === provider);
    const listed = this.listed(provider);
    return config && listed ? isListed(config.type, model, listed) : undefined;
  }

  snapshot(): ProviderHealthView[] {
    return this.#configs.map((config) => {
      const state = this.#states.get(config.name)!;
      return {
        name: config.name,
        type: config.type,
        status: this.#status(config, state),
        reason: state.reason,
        last_check: iso(state.lastCheck),
        latency_ms: state.latencyMs,
        failures_in_a_row: state.failuresInARow,
        models_seen: state.models?.size ?? null,
        models_seen_at: iso(state.modelsAt),
      };
    });
  }

  #status(config: ProviderConfig, state: State): HealthStatus {
    if (!config.configured) return 'not_configured';
    if (state.failuresInARow >= this.#options.failuresBeforeDown) return 'down';
    if (state.lastOk !== null) return 'up';
    return 'unknown';
  }

  async #probe(config: ProviderConfig, state: State): Promise<void> {
    const started = performance.now();
    const signal = AbortSignal.timeout(this.#options.probeTimeoutMs);
    try {
      const models = await this.#list[config.type](config, signal);
      state.models = new Set(models);
      state.modelsAt = state.lastOk = Date.now();
      state.failuresInARow = 0;
      state.reason = null;
    } catch (error) {
      if (NO_LISTING.has(statusOf(error) ?? 0)) {
        // Some OpenAI-compatible hosts have no models endpoint: the host answered, so it is up; its listing is unknown.
        state.lastOk = Date.now();
        state.failuresInARow = 0;
        state.reason = `the host lists no models (HTTP ${statusOf(error)})`;
      } else {
        state.failuresInARow++;
        state.reason = describeProbeError(error, signal);
      }
    } finally {
      state.lastCheck = Date.now();
      state.latencyMs = Math.round((performance.now() - started) * 10) / 10;
    }
  }
}

/** Answers that mean "no listing here", not "down". */
const NO_LISTING = new Set([404, 405, 501]);

/** The HTTP status an SDK error carries (`status`; the ollama client's `status_code`). */
function statusOf(error: unknown): number | undefined {
  const e = error as { status?: unknown; status_code?: unknown } | null;
  const status = e?.status ?? e?.status_code;
  return typeof status === 'number' ? status : undefined;
}

function describeProbeError(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return 'the probe timed out';
  const e = error as { status?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } } | null;
  const cause = typeof e?.cause?.code === 'string' ? ` (${e.cause.code})` : '';
  const message = typeof e?.message === 'string' ? e.message : String(error);
  // An upstream's error text may echo what it was sent: never let a key out through /providers.
  return redactSecrets(`${message}${cause}`).slice(0, 300);
}

function iso(ts: number | null): string | null {
  return ts === null ? null : new Date(ts).toISOString();
}
