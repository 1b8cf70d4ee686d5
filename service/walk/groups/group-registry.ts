// The live deployment groups. apply() swaps in a new set of definitions at once (start, and every
// change over /config); a deployment whose id survives keeps its counters, slots and breaker.
import type { ProviderConfig } from '../../config/gateway-config.ts';
import type { ProviderEntry } from '../../providers/provider-registry.ts';
import type { BreakerOptions } from '../../config/gateway-config.ts';
import type { BreakerState } from '../breaker-registry.ts';
import { parseTarget, type Target } from '../../plan/target.ts';
import { Deployment, DeploymentGroup, type GroupSettings } from './deployment-group.ts';
import { deploymentId, hasOwnInstance, instanceName, type GroupDefinition } from './group-definition.ts';
import type { Random } from './seeded-random.ts';

export interface GroupRegistryDeps {
  /** The configured providers, and how to build an adapter for an own instance of one. */
  providers: { get(name: string): ProviderEntry | undefined; build(config: ProviderConfig): ProviderEntry };
  breakers: { setOverride(target: string, options: Partial<BreakerOptions> | undefined): void; state(target: string): BreakerState };
  /** USD per 1M tokens (input + output) of a `provider/model`, for `cost`. */
  priceOf: (target: string) => number | undefined;
  /** Reads a deployment's key from the environment by the variable's name. */
  keyFromEnv: (name: string) => string | undefined;
  random?: Random;
}

export const GROUP_DEFAULTS = { strategy: 'weighted', queueSize: 100, queueTimeoutMs: 10_000, latencyTolerance: 0.2, failurePenaltyMs: 2000, penaltyHalfLifeMs: 30_000 } as const;

export interface DeploymentSnapshot {
  group: string;
  id: string;
  target: string;
  weight: number;
  max_concurrent: number | null;
  in_flight: number;
  picks: number;
  /** This deployment's picks over the group's. */
  share: number;
  successes: number;
  failures: number;
  /** Moving average of time to first token, ms. */
  latency_ms: number | null;
  breaker_state: BreakerState;
}

export interface GroupSnapshot {
  name: string;
  strategy: string;
  max_attempts: number;
  waiting: number;
  deployments: DeploymentSnapshot[];
}

export class GroupRegistry {
  readonly #deps: GroupRegistryDeps;
  readonly #random: Random;
  #groups = new Map<string, DeploymentGroup>();
  #deployments = new Map<string, Deployment>();
  /** Own instances by provider name (`openai+key2`), with what they were built from. */
  #instances = new Map<string, { signature: string; entry: ProviderEntry }>();

  constructor(deps: GroupRegistryDeps) {
    this.#deps = deps;
    this.#random = deps.random ?? Math.random;
  }

  /** Replaces every group; definitions are assumed checked (groupProblem). */
  apply(definitions: Record<string, GroupDefinition>): void {
    const groups = new Map<string, DeploymentGroup>();
    const deployments = new Map<string, Deployment>();
    const instances = new Map<string, { signature: string; entry: ProviderEntry }>();
    for (const [name, definition] of Object.entries(definitions)) {
      const strategy = definition.strategy ?? GROUP_DEFAULTS.strategy;
      const members: Deployment[] = [];
      for (const [order, d] of definition.deployments.entries()) {
        const parsed = parseTarget(d.target);
        const id = deploymentId(name, d);
        if (!parsed || !id) continue;
        const provider = instanceName(parsed.provider, d);
        if (hasOwnInstance(d)) instances.set(provider, this.#instance(provider, parsed.provider, d.baseURL, d.apiKeyEnv));
        const target: Target = { id, provider, model: parsed.model };
        const maxConcurrent = d.maxConcurrent ?? (strategy === 'first-available' ? 1 : Infinity);
        const init = { id, order, target, priceKey: `${parsed.provider}/${parsed.model}`, weight: d.weight ?? 1, maxConcurrent };
        const kept = this.#deployments.get(id);
        const deployment = kept ? Object.assign(kept, { order, target, priceKey: init.priceKey, weight: init.weight, maxConcurrent }) : new Deployment(init, this.#deps.priceOf);
        this.#deps.breakers.setOverride(id, d.breaker);
        members.push(deployment);
        deployments.set(id, deployment);
      }
      const settings: GroupSettings = {
        name,
        strategy,
        maxAttempts: definition.maxAttempts ?? members.length,
        queueSize: definition.queueSize ?? GROUP_DEFAULTS.queueSize,
        queueTimeoutMs: definition.queueTimeoutMs ?? GROUP_DEFAULTS.queueTimeoutMs,
        latencyTolerance: definition.latencyTolerance ?? GROUP_DEFAULTS.latencyTolerance,
        failurePenaltyMs: definition.failurePenaltyMs ?? GROUP_DEFAULTS.failurePenaltyMs,
        penaltyHalfLifeMs: GROUP_DEFAULTS.penaltyHalfLifeMs,
      };
      const group = new DeploymentGroup(settings, members, this.#random);
      const previous = this.#groups.get(name);
      if (previous) group.adopt(previous);
      groups.set(name, group);
    }
    for (const id of this.#deployments.keys()) if (!deployments.has(id)) this.#deps.breakers.setOverride(id, undefined);
    this.#groups = groups;
    this.#deployments = deployments;
    this.#instances = instances;
  }

  get(name: string): DeploymentGroup | undefined {
    return this.#groups.get(name);
  }

  has(name: string): boolean {
    return this.#groups.has(name);
  }

  names(): string[] {
    return [...this.#groups.keys()];
  }

  /** The deployment with this id (`group:fast@openai/gpt-4o`), in whichever group has it. */
  deployment(id: string): Deployment | undefined {
    return this.#deployments.get(id);
  }

  deploymentIds(): string[] {
    return [...this.#deployments.keys()];
  }

  /** An own instance's provider entry (`openai+key2`); undefined for any other name. */
  instance(provider: string): ProviderEntry | undefined {
    return this.#instances.get(provider)?.entry;
  }

  /** The `provider/model` a deployment is priced as; any other target is its own. */
  priceKey(target: string): string {
    return this.#deployments.get(target)?.priceKey ?? target;
  }

  snapshot(): GroupSnapshot[] {
    return [...this.#groups.values()].map((group) => this.#groupSnapshot(group));
  }

  #groupSnapshot(group: DeploymentGroup): GroupSnapshot {
    // Shares are of the current deployments' picks (a redefinition may have removed some).
    let picks = 0;
    for (const d of group.deployments) picks += d.picks;
    return {
      name: group.settings.name,
      strategy: group.settings.strategy,
      max_attempts: group.settings.maxAttempts,
      waiting: group.waiting,
      deployments: group.deployments.map((d) => ({
        group: group.settings.name,
        id: d.id,
        target: `${d.target.provider}/${d.target.model}`,
        weight: d.weight,
        max_concurrent: Number.isFinite(d.maxConcurrent) ? d.maxConcurrent : null,
        in_flight: d.inFlight,
        picks: d.picks,
        share: picks > 0 ? Math.round((d.picks / picks) * 10_000) / 10_000 : 0,
        successes: d.successes,
        failures: d.failures,
        latency_ms: d.latencyMs === undefined ? null : Math.round(d.latencyMs * 10) / 10,
        breaker_state: this.#deps.breakers.state(d.id),
      })),
    };
  }

  /**
   * An own instance: the provider's type, options and (for the same host) headers, with its own host
   * and key. A deployment with its own host never inherits the provider's key or headers, so a key
   * only ever goes to the host it was configured for.
   */
  #instance(name: string, provider: string, baseURL: string | undefined, apiKeyEnv: string | undefined): { signature: string; entry: ProviderEntry } {
    const signature = JSON.stringify([provider, baseURL ?? null, apiKeyEnv ?? null]);
    const existing = this.#instances.get(name);
    if (existing?.signature === signature) return existing;
    const base = this.#deps.providers.get(provider)?.config;
    if (!base) throw new Error(`deployment instance "${name}": unknown provider "${provider}"`);
    const apiKey = apiKeyEnv ? this.#deps.keyFromEnv(apiKeyEnv) || undefined : baseURL ? undefined : base.apiKey;
    const config: ProviderConfig = {
      ...base,
      name,
      baseURL: baseURL ?? base.baseURL,
      apiKey,
      headers: baseURL ? {} : base.headers,
      configured: apiKeyEnv ? Boolean(apiKey) : baseURL ? true : base.configured,
      envHint: apiKeyEnv ? [apiKeyEnv] : base.envHint,
    };
    return { signature, entry: this.#deps.providers.build(config) };
  }
}
