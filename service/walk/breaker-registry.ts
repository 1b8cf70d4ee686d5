// One opossum breaker per target, created on first use. State changes are reported to a
// listener (the store keeps them) using opossum's documented events.
import CircuitBreaker from 'opossum';
import type { BreakerOptions } from '../config/gateway-config.ts';
import { isBreakerNeutral } from './failure-policy.ts';

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

export class BreakerRegistry {
  readonly #breakers = new Map<string, CircuitBreaker<[Run], unknown>>();
  readonly #options: BreakerOptions;
  readonly #overrides: Record<string, Partial<BreakerOptions>>;
  readonly #listeners: BreakerListener[] = [];

  constructor(options: BreakerOptions, overrides: Record<string, Partial<BreakerOptions>> = {}) {
    this.#options = options;
    this.#overrides = overrides;
  }

  /** The options a target's breaker runs with: the defaults, with that target's overrides on top. */
  optionsFor(target: string): BreakerOptions {
    return { ...this.#options, ...this.#overrides[target] };
  }

  onStateChange(listener: BreakerListener): void {
    this.#listeners.push(listener);
  }

  /** Runs `run` through the target's breaker; rejects with code EOPENBREAKER when it is open. */
  fire<T>(target: string, run: () => Promise<T>): Promise<T> {
    return this.#breaker(target).fire(run) as Promise<T>;
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

  reset(target: string): boolean {
    const breaker = this.#breakers.get(target);
    if (!breaker) return false;
    breaker.close();
    return true;
  }

  resetAll(): string[] {
    for (const breaker of this.#breakers.values()) breaker.close();
    return [...this.#breakers.keys()];
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
    for (const breaker of this.#breakers.values()) breaker.shutdown();
    this.#breakers.clear();
  }

  #breaker(target: string): CircuitBreaker<[Run], unknown> {
    let breaker = this.#breakers.get(target);
    if (breaker) return breaker;
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
      errorFilter: (error: unknown) => isBreakerNeutral(error),
    });
    const emit = (state: BreakerState) => () => {
      for (const listener of this.#listeners) listener(target, state);
    };
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
