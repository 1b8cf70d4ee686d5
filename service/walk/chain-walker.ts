// Walks a chain of targets, each behind its breaker, until one answers.
import type { ChatCompletion, ChatRequest } from '../canonical/chat-types.ts';
import type { ChatProvider } from '../providers/chat-provider.ts';
import { ProviderError, type ProviderErrorKind } from '../providers/provider-error.ts';
import type { ProviderEntry, ProviderRegistry } from '../providers/provider-registry.ts';
import { BreakerRegistry, isOpenBreakerError } from './breaker-registry.ts';
import { decideOnFailure, isBreakerNeutral, isContextLengthError } from './failure-policy.ts';
import { isGroupRef, type ChainEntry, type GroupRef, type Target } from '../plan/target.ts';
import type { GroupRegistry } from './groups/group-registry.ts';
import type { Deployment } from './groups/deployment-group.ts';
import type { OpenedStream } from './stream-head.ts';
import { Deadline } from './deadline.ts';
import { completeCall, streamCall, type Started, type TargetCall } from './target-calls.ts';

export { DONE, completeCall, streamCall, watchEnd, type Started, type TargetCall } from './target-calls.ts';

/** `busy`: a deployment group had no free slot (maxConcurrent) within its queue timeout; `provider_down`: its provider failed its health probes. */
export type AttemptOutcome = 'ok' | 'error' | 'skipped' | 'breaker_open' | 'cooling_down' | 'provider_down' | 'busy';

export interface Attempt {
  target: string;
  outcome: AttemptOutcome;
  ms: number;
  status?: number;
  /** For an error: how the attempt failed (per-target error counts in /metrics). */
  kind?: ProviderErrorKind;
  error?: string;
  /** The upstream's extra error detail (e.g. OpenRouter metadata), kept for the record. */
  detail?: unknown;
}

export interface WalkSuccess<T> {
  target: Target;
  value: T;
  attempts: Attempt[];
}

/** Why no target answered: a request error, every call failing, or nothing callable at all. */
export class ChainFailure extends Error {
  readonly attempts: Attempt[];
  readonly reason: 'request_error' | 'all_failed' | 'nothing_callable' | 'aborted';
  readonly lastError: ProviderError | undefined;
  /** The soonest time (epoch ms) a target held back (open, cooling down, provider down) can be called again. */
  readonly retryAt: number | undefined;

  constructor(reason: ChainFailure['reason'], attempts: Attempt[], lastError?: ProviderError, retryAt?: number) {
    super(describe(reason, attempts));
    this.name = 'ChainFailure';
    this.reason = reason;
    this.attempts = attempts;
    this.lastError = lastError;
    this.retryAt = retryAt;
  }
}

export interface WalkOptions {
  attemptTimeoutMs: number;
  /** Health-aware routing: why a provider is treated as down (its probes keep failing) and when it is probed next. */
  providerDown?: (provider: string) => { reason: string; nextProbeAt: number } | undefined;
}

export class ChainWalker {
  readonly #providers: ProviderRegistry;
  readonly #breakers: BreakerRegistry;
  readonly #options: WalkOptions;
  readonly #groups: GroupRegistry | undefined;

  constructor(providers: ProviderRegistry, breakers: BreakerRegistry, options: WalkOptions, groups?: GroupRegistry) {
    this.#providers = providers;
    this.#breakers = breakers;
    this.#options = options;
    this.#groups = groups;
  }

  complete(targets: ChainEntry[], request: ChatRequest, signal: AbortSignal): Promise<WalkSuccess<ChatCompletion>> {
    return this.#walk(targets, signal, completeCall(request));
  }

  /**
   * Resolves once a target has produced its first content-bearing chunk; failures before that move on.
   * The target's breaker keeps watching until the stream ends, so a failure mid-stream counts too.
   */
  stream(targets: ChainEntry[], request: ChatRequest, signal: AbortSignal): Promise<WalkSuccess<OpenedStream>> {
    return this.#walk(targets, signal, streamCall(request), true);
  }

  /**
   * A walk whose call is chosen per target: a dialect that speaks some targets' own wire format
   * (Anthropic Messages, passed through) calls those directly and the rest with completeCall/streamCall.
   * Breakers, deadlines and failover are the same as for any walk.
   */
  walkWith<T>(targets: ChainEntry[], signal: AbortSignal, call: TargetCall<T>, keepSignalAfterSuccess: boolean): Promise<WalkSuccess<T>> {
    return this.#walk(targets, signal, call, keepSignalAfterSuccess);
  }

  /**
   * Runs one call through the target's breaker. The walker gets the value as soon as it exists;
   * the breaker's action stays pending until `done` settles (a stream's end), which is what it
   * records as the call's success or failure. `settled` runs then too (a group slot is given back).
   */
  #attempt<T>(target: string, run: () => Promise<Started<T>>, settled?: () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let started = false;
      this.#breakers
        .fire(target, async () => {
          const { value, done } = await run();
          started = true;
          resolve(value);
          await done;
        })
        // After the value was handed on, a failure is the stream writer's to report; the breaker has counted it.
        .catch((error: unknown) => (started ? undefined : reject(error)))
        .finally(settled);
    });
  }

  async #walk<T>(entries: ChainEntry[], signal: AbortSignal, call: TargetCall<T>, keepSignalAfterSuccess = false): Promise<WalkSuccess<T>> {
    const walk: WalkState = { attempts: [], lastError: undefined, windowTooSmall: undefined, tried: new Set() };
    for (const entry of entries) {
      if (signal.aborted) throw new ChainFailure('aborted', walk.attempts, walk.lastError);
      const done = isGroupRef(entry) ? await this.#walkGroup(entry, walk, signal, call, keepSignalAfterSuccess) : await this.#walkTarget(entry, walk, signal, call, keepSignalAfterSuccess);
      if (done) return done;
    }
    const called = walk.attempts.some((a) => a.outcome === 'error');
    throw new ChainFailure(called ? 'all_failed' : 'nothing_callable', walk.attempts, walk.lastError, this.#retryAt(walk.attempts));
  }

  /**
   * When every target that was tried or held back is held back now (open breaker, cool-down, provider
   * down), the soonest time one is callable again; undefined when one could be called at once.
   */
  #retryAt(attempts: Attempt[], now = Date.now()): number | undefined {
    let soonest: number | undefined;
    for (const a of attempts) {
      if (a.outcome === 'skipped') continue; // not configured: no time will change that
      if (a.outcome === 'busy') return undefined; // a group slot frees as soon as a request ends
      const at = a.outcome === 'provider_down' ? this.#options.providerDown?.(a.target.slice(0, a.target.indexOf('/')))?.nextProbeAt : this.#breakers.callableAt(a.target, now);
      if (at === undefined || at <= now) return undefined;
      soonest = Math.min(soonest ?? at, at);
    }
    return soonest;
  }

  /** One plain target, or one deployment named on its own (a tool loop's next turn goes back to it). */
  async #walkTarget<T>(target: Target, walk: WalkState, signal: AbortSignal, call: TargetCall<T>, keep: boolean): Promise<WalkSuccess<T> | undefined> {
    const deployment = this.#groups?.deployment(target.id);
    if (!deployment) return this.#try(target, walk, signal, call, keep);
    if (walk.tried.has(deployment.id)) return undefined;
    const blocked = this.#blocked(deployment.target);
    if (blocked) {
      walk.attempts.push(blocked);
      walk.tried.add(deployment.id);
      return undefined;
    }
    if (!deployment.owner.takeExact(deployment)) {
      walk.attempts.push({ target: deployment.id, outcome: 'busy', ms: 0, error: `at maxConcurrent (${deployment.maxConcurrent})` });
      return undefined;
    }
    return this.#try(deployment.target, walk, signal, call, keep, deployment);
  }

  /** Picks from the group, handing a failed deployment's request to the next pick, up to maxAttempts. */
  async #walkGroup<T>(ref: GroupRef, walk: WalkState, signal: AbortSignal, call: TargetCall<T>, keep: boolean): Promise<WalkSuccess<T> | undefined> {
    const group = this.#groups?.get(ref.group);
    if (!group) {
      walk.attempts.push({ target: ref.id, outcome: 'skipped', ms: 0, error: `unknown group "${ref.group}"` });
      return undefined;
    }
    const first = group.deployments[0];
    if (first && this.#windowSkip(first.target, walk, ref.id)) return undefined;
    const usable = (d: Deployment) => this.#blocked(d.target) === undefined;
    for (let picks = 0; picks < group.settings.maxAttempts; picks++) {
      const waitStarted = performance.now();
      const take = await group.take(usable, walk.tried, signal);
      if ('refused' in take) {
        if (take.refused === 'aborted') throw new ChainFailure('aborted', walk.attempts, walk.lastError);
        // Say why each deployment was passed over, once, when none of this group was called at all.
        if (take.refused === 'none_usable' && picks === 0) {
          for (const d of group.deployments) if (!walk.tried.has(d.id)) walk.attempts.push(this.#blocked(d.target) ?? { target: d.id, outcome: 'skipped', ms: 0 });
        } else if (take.refused !== 'none_usable') {
          const why = take.refused === 'queue_full' ? `every deployment is at maxConcurrent and the queue is full (${group.settings.queueSize})` : `no deployment slot freed within ${group.settings.queueTimeoutMs} ms`;
          walk.attempts.push({ target: ref.id, outcome: 'busy', ms: elapsed(waitStarted), error: why });
        }
        return undefined;
      }
      const done = await this.#try(take.deployment.target, walk, signal, call, keep, take.deployment);
      if (done) return done;
    }
    return undefined;
  }

  /** Why a target cannot be called now (unconfigured, cooling down, breaker open), as the attempt to record. */
  #blocked(target: Target): Attempt | undefined {
    const entry = this.#entry(target.provider);
    if (!entry?.adapter) {
      const hint = entry?.config.envHint.join(' or ');
      return { target: target.id, outcome: 'skipped', ms: 0, error: entry ? `provider "${target.provider}" not configured${hint ? ` (set ${hint})` : ''}` : `unknown provider "${target.provider}"` };
    }
    const down = this.#options.providerDown?.(target.provider);
    if (down) return { target: target.id, outcome: 'provider_down', ms: 0, error: down.reason };
    const coolUntil = this.#breakers.coolingUntil(target.id);
    if (coolUntil !== undefined) return { target: target.id, outcome: 'cooling_down', ms: 0, error: `rate limited; retry after ${new Date(coolUntil).toISOString()}` };
    if (this.#breakers.isOpen(target.id)) return { target: target.id, outcome: 'breaker_open', ms: 0, error: 'circuit breaker open' };
    return undefined;
  }

  #entry(provider: string): ProviderEntry | undefined {
    return this.#providers.get(provider) ?? this.#groups?.instance(provider);
  }

  /** True (and recorded) when an earlier context-length error showed this target's window is too small. */
  #windowSkip(target: Target, walk: WalkState, id = target.id): boolean {
    if (!walk.windowTooSmall) return false;
    const window = this.#providers.capabilities(target.provider, target.model).contextWindow;
    if (window === undefined || window > walk.windowTooSmall.tokens) return false;
    walk.attempts.push({ target: id, outcome: 'skipped', ms: 0, error: `context window ${window} is not larger than ${walk.windowTooSmall.at}'s ${walk.windowTooSmall.tokens}, which was exceeded` });
    return true;
  }

  /**
   * Calls one target (holding `deployment`'s slot, taken by the caller, until the call is over).
   * Returns the success, or undefined to move on; throws to end the walk.
   */
  async #try<T>(target: Target, walk: WalkState, signal: AbortSignal, call: TargetCall<T>, keep: boolean, deployment?: Deployment): Promise<WalkSuccess<T> | undefined> {
    const release = deployment ? () => deployment.owner.release(deployment) : undefined;
    if (deployment) walk.tried.add(deployment.id);
    // A group checked the window once for all its deployments (they serve one model).
    if (!deployment && this.#windowSkip(target, walk)) return undefined;
    const blocked = this.#blocked(target);
    if (blocked) {
      walk.attempts.push(blocked);
      release?.();
      return undefined;
    }
    const adapter = this.#entry(target.provider)!.adapter!;
    const deadline = new Deadline(signal, this.#options.attemptTimeoutMs, target.provider);
    const started = performance.now();
    try {
      const value = await this.#attempt(target.id, () => call(adapter, target, deadline.signal), release);
      const ms = elapsed(started);
      walk.attempts.push({ target: target.id, outcome: 'ok', ms });
      // For a stream this is the time to its first content: what `latency` ranks deployments by.
      deployment?.owner.succeeded(deployment, ms);
      // A stream keeps reading after this returns: its deadline is the request's from here on.
      if (keep) deadline.stopTimer();
      else deadline.release();
      return { target, value, attempts: walk.attempts };
    } catch (error) {
      deadline.release();
      if (isOpenBreakerError(error)) {
        walk.attempts.push({ target: target.id, outcome: 'breaker_open', ms: 0, error: 'circuit breaker open' });
        return undefined;
      }
      // Anything but a ProviderError is the gateway's own fault, not the target's: it ends the walk
      // (the route answers 500) and the breaker does not count it.
      if (!(error instanceof ProviderError)) throw error;
      const failure = error;
      walk.lastError = failure;
      walk.attempts.push({ target: target.id, outcome: 'error', ms: elapsed(started), status: failure.status, kind: failure.kind, error: failure.message, detail: failure.metadata });
      if (deployment && !isBreakerNeutral(failure)) deployment.owner.failed(deployment);
      if (failure.status === 429 && failure.retryAfterMs) this.#breakers.coolDown(target.id, failure.retryAfterMs);
      if (isContextLengthError(failure)) {
        const window = this.#providers.capabilities(target.provider, target.model).contextWindow;
        if (window !== undefined && window > (walk.windowTooSmall?.tokens ?? 0)) walk.windowTooSmall = { tokens: window, at: target.id };
      }
      if (failure.kind === 'aborted') throw new ChainFailure('aborted', walk.attempts, failure);
      if (decideOnFailure(failure) === 'stop') throw new ChainFailure('request_error', walk.attempts, failure);
      return undefined;
    }
  }
}


/** What one walk has seen so far. */
interface WalkState {
  attempts: Attempt[];
  lastError: ProviderError | undefined;
  /** Set by a context-length error at a target whose window is known: smaller windows are not worth a call. */
  windowTooSmall: { tokens: number; at: string } | undefined;
  /** Deployments this request has been handed already: a group's next pick is another one. */
  tried: Set<string>;
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

function describe(reason: ChainFailure['reason'], attempts: Attempt[]): string {
  const list = attempts.map((a) => `${a.target}: ${a.outcome}${a.status ? ` ${a.status}` : ''}${a.error ? ` (${a.error})` : ''}`).join('; ');
  switch (reason) {
    case 'request_error':
      return `the upstream rejected the request: ${list}`;
    case 'aborted':
      return 'the client closed the request';
    case 'nothing_callable':
      return `no target could be called: ${list || 'the chain is empty'}`;
    default:
      return `all targets failed: ${list}`;
  }
}
