// One opossum breaker per target, created on first use. State changes are reported to a
// listener (the store keeps them) using opossum's documented events.
import CircuitBreaker from 'opossum';
import type { BreakerOptions } from '../config/gateway-config.ts';
import { isBreakerNeutral } from './failure-policy.ts';
import { ProviderError } from '../providers/provider-error.ts';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerSnapshot {
  target: string;
  state: BreakerState;
  failures: number;
  successes: number;
  rejects: number;
  timeouts: number;
  fires: number;
}

export type BreakerListener = (target: string, state: BreakerState) => void;

type Run = () => Promise<unknown>;

/** An operator's reset or a 429's cool-down: what other worker processes must hear of (ROUTER_WORKERS). */
export type SharedBreakerEvent = { kind: 'cool-down'; target: string; until: number } | { kind: 'reset'; target: string } | { kind: 'reset-all' };

export interface BreakerLimits {
  /** Targets whose breakers live for good (those named in a chain); any other expires when idle. */
  permanent: () => ReadonlySet<string>;
  /** Breakers for other targets (a client's direct `provider/model`) kept at most. */
  maxAdHoc: number;
  /** An ad-hoc target's breaker is dropped after this long unused. */
  adHocIdleMs: number;
  /** The longest a 429's Retry-After may keep a target out of the walk. */
  maxCooldownMs: number;
}

export const DEFAULT_BREAKER_LIMITS: BreakerLimits = { permanent: () => new Set(), maxAdHoc: 1000, adHocIdleMs: 10 * 60_000, maxCooldownMs: 5 * 60_000 };

export class BreakerRegistry {
  readonly #breakers = new Map<string, CircuitBreaker<[Run], unknown>>();
  /** When each breaker was last fired, for expiring ad-hoc ones. */
  readonly #lastUsed = new Map<string, number>();
  /** Targets told to back off by a 429's Retry-After: skipped, not called, until then. */
  readonly #coolUntil = new Map<string, number>();
  /** When each open breaker opened: with its resetTimeout, when it lets a probe through. */
  readonly #openedAt = new Map<string, number>();
  readonly #options: BreakerOptions;
  readonly #overrides: Map<string, Partial<BreakerOptions>>;
  readonly #limits: BreakerLimits;
  readonly #listeners: BreakerListener[] = [];
  readonly #sharedListeners: Array<(event: SharedBreakerEvent) => void> = [];
  readonly #sweeper: NodeJS.Timeout;

  constructor(options: BreakerOptions, overrides: Record<string, Partial<BreakerOptions>> = {}, limits: Partial<BreakerLimits> = {}) {
    this.#options = options;
    this.#overrides = new Map(Object.entries(overrides));
    this.#limits = { ...DEFAULT_BREAKER_LIMITS, ...limits };
    this.#sweeper = setInterval(() => {
      try {
        this.sweep();
      } catch (error) {
        console.error('[router] breaker sweep failed', error);
      }
    }, Math.min(60_000, this.#limits.adHocIdleMs));
    this.#sweeper.unref();
  }

  /** Drops ad-hoc breakers idle past their time and cool-downs that are over. */
  sweep(now = Date.now()): void {
    const permanent = this.#limits.permanent();
    for (const [target, used] of this.#lastUsed) {
      if (now - used > this.#limits.adHocIdleMs && !permanent.has(target)) this.#drop(target);
    }
    for (const [target, until] of this.#coolUntil) if (until <= now) this.#coolUntil.delete(target);
  }

  /** Keeps a target out of the walk until `ms` from now, capped (a Retry-After of years means "a while"). */
  coolDown(target: string, ms: number, now = Date.now()): number {
    const until = now + Math.min(Math.max(0, ms), this.#limits.maxCooldownMs);
    this.#coolUntil.set(target, until);
    this.#share({ kind: 'cool-down', target, until });
    return until;
  }

  /** When a cooling target may be called again; undefined when it is not cooling. */
  coolingUntil(target: string, now = Date.now()): number | undefined {
    const until = this.#coolUntil.get(target);
    if (until === undefined) return undefined;
    if (until > now) return until;
    this.#coolUntil.delete(target);
    return undefined;
  }

  cooldowns(now = Date.now()): Array<{ target: string; until: number }> {
    return [...this.#coolUntil].filter(([, until]) => until > now).map(([target, until]) => ({ target, until }));
  }

  /** The options a target's breaker runs with: the defaults, with that target's overrides on top. */
  optionsFor(target: string): BreakerOptions {
    return { ...this.#options, ...this.#overrides.get(target) };
  }

  /**
   * Sets (or with undefined, clears) a target's own options at run time (a deployment group's
   * deployment). A breaker already built with other options is rebuilt, closed, on its next use.
   */
  setOverride(target: string, options: Partial<BreakerOptions> | undefined): void {
    const before = JSON.stringify(this.optionsFor(target));
    if (options && Object.keys(options).length > 0) this.#overrides.set(target, options);
    else this.#overrides.delete(target);
    if (JSON.stringify(this.optionsFor(target)) !== before) this.#drop(target);
  }

  /** Hears every reset and cool-down made here, to pass on to the other worker processes. */
  onShared(listener: (event: SharedBreakerEvent) => void): void {
    this.#sharedListeners.push(listener);
  }

  /** Applies a reset or cool-down another worker process made, without passing it on again. */
  applyShared(event: SharedBreakerEvent): void {
    if (event.kind === 'reset') this.#reset(event.target);
    else if (event.kind === 'reset-all') this.#resetAll();
    else if (event.until > Date.now()) this.#coolUntil.set(event.target, Math.min(event.until, Date.now() + this.#limits.maxCooldownMs));
  }

  #share(event: SharedBreakerEvent): void {
    for (const listener of this.#sharedListeners) listener(event);
  }

  onStateChange(listener: BreakerListener): void {
    this.#listeners.push(listener);
  }

  /** Runs `run` through the target's breaker; rejects with code EOPENBREAKER when it is open. */
  fire<T>(target: string, run: () => Promise<T>): Promise<T> {
    const breaker = this.#breaker(target);
    this.#lastUsed.set(target, Date.now());
    return breaker.fire(run) as Promise<T>;
  }

  /** True when a call would be rejected without reaching the upstream. */
  isOpen(target: string): boolean {
    const breaker = this.#breakers.get(target);
    return breaker !== undefined && !breaker.closed && !breaker.pendingClose;
  }

  state(target: string): BreakerState {
    const breaker = this.#breakers.get(target);
    if (!breaker) return 'closed';
    return stateOf(breaker);
  }

  /**
   * The soonest time the target can be called again: now when nothing holds it back, else the
   * later of its cool-down's end and its open breaker's half-open time.
   */
  callableAt(target: string, now = Date.now()): number {
    let at = this.coolingUntil(target, now) ?? now;
    const opened = this.#openedAt.get(target);
    if (opened !== undefined && this.isOpen(target)) at = Math.max(at, opened + this.optionsFor(target).resetTimeout);
    return at;
  }

  /**
   * Closes the target's breaker, ends its cool-down and forgets its rolling failure window, so the
   * next single failure does not reopen it at once; false when it had neither breaker nor cool-down.
   */
  reset(target: string): boolean {
    this.#share({ kind: 'reset', target });
    return this.#reset(target);
  }

  #reset(target: string): boolean {
    const cooled = this.#coolUntil.delete(target);
    const breaker = this.#breakers.get(target);
    if (!breaker) return cooled;
    this.#renew(target, breaker);
    return true;
  }

  resetAll(): string[] {
    this.#share({ kind: 'reset-all' });
    return this.#resetAll();
  }

  #resetAll(): string[] {
    const targets = new Set([...this.#breakers.keys(), ...this.#coolUntil.keys()]);
    for (const [target, breaker] of [...this.#breakers]) this.#renew(target, breaker);
    this.#coolUntil.clear();
    return [...targets];
  }

  /** opossum has no documented way to empty a breaker's window: close it (the event is recorded), then start a fresh one. */
  #renew(target: string, breaker: CircuitBreaker<[Run], unknown>): void {
    breaker.close();
    this.#drop(target);
    this.#breaker(target);
    this.#lastUsed.set(target, Date.now());
  }

  snapshot(): BreakerSnapshot[] {
    return [...this.#breakers.entries()].map(([target, breaker]) => {
      const stats = breaker.stats;
      return {
        target,
        state: stateOf(breaker),
        failures: stats.failures,
        successes: stats.successes,
        rejects: stats.rejects,
        timeouts: stats.timeouts,
        fires: stats.fires,
      };
    });
  }

  shutdown(): void {
    clearInterval(this.#sweeper);
    for (const breaker of this.#breakers.values()) breaker.shutdown();
    this.#breakers.clear();
    this.#lastUsed.clear();
  }

  #drop(target: string): void {
    this.#breakers.get(target)?.shutdown();
    this.#breakers.delete(target);
    this.#lastUsed.delete(target);
    this.#openedAt.delete(target);
  }

  /** Over the cap, the least recently used ad-hoc breaker goes (Map order is insertion order; refreshed on use). */
  #makeRoom(): void {
    const permanent = this.#limits.permanent();
    let adHoc = 0;
    for (const target of this.#breakers.keys()) if (!permanent.has(target)) adHoc++;
    if (adHoc < this.#limits.maxAdHoc) return;
    const byAge = [...this.#lastUsed].filter(([t]) => !permanent.has(t)).sort((a, b) => a[1] - b[1]);
    for (const [target] of byAge.slice(0, adHoc - this.#limits.maxAdHoc + 1)) this.#drop(target);
  }

  #breaker(target: string): CircuitBreaker<[Run], unknown> {
    let breaker = this.#breakers.get(target);
    if (breaker) return breaker;
    this.#makeRoom();
    const options = this.optionsFor(target);
    breaker = new CircuitBreaker((run: Run) => run(), {
      name: target,
      // Deadlines are enforced by the walker's abort signal, which also stops the upstream call;
      // opossum's own timeout would only stop waiting for it.
      timeout: false,
      errorThresholdPercentage: options.errorThresholdPercentage,
      volumeThreshold: options.volumeThreshold,
      rollingCountTimeout: options.rollingCountTimeout,
      resetTimeout: options.resetTimeout,
      // Only an upstream's fault counts against it; the gateway's own errors never open a breaker.
      errorFilter: (error: unknown) => !(error instanceof ProviderError) || isBreakerNeutral(error),
    });
    const emit = (state: BreakerState) => () => {
      for (const listener of this.#listeners) listener(target, state);
    };
    breaker.on('open', () => this.#openedAt.set(target, Date.now()));
    breaker.on('close', () => this.#openedAt.delete(target));
    breaker.on('open', emit('open'));
    breaker.on('halfOpen', emit('half_open'));
    breaker.on('close', emit('closed'));
    this.#breakers.set(target, breaker);
    return breaker;
  }
}

function stateOf(breaker: CircuitBreaker<[Run], unknown>): BreakerState {
  if (breaker.halfOpen) return 'half_open';
  return breaker.opened ? 'open' : 'closed';
}

export function isOpenBreakerError(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'EOPENBREAKER';
}
