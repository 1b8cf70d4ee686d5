// One deployment group at run time: its deployments' live counters (in flight, picks, latency,
// failure penalty), the strategy that picks among them, and the bounded queue where requests wait
// when every usable deployment is at its maxConcurrent. The walker asks; the breakers stay its own.
import type { GROUP_STRATEGIES } from '../../config/config-file.ts';
import type { Target } from '../../plan/target.ts';
import type { PickCandidate } from './pick-candidate.ts';
import { pickWeighted } from './weighted-picker.ts';
import { pickRoundRobin } from './round-robin-picker.ts';
import { pickLeastBusy } from './least-busy-picker.ts';
import { decayedPenalty, pickByLatency } from './latency-picker.ts';
import { pickFirstAvailable } from './first-available-picker.ts';
import { pickCheapest } from './cost-picker.ts';
import type { Random } from './seeded-random.ts';

export type GroupStrategy = (typeof GROUP_STRATEGIES)[number];

export interface GroupSettings {
  name: string;
  strategy: GroupStrategy;
  /** Deployments one request may try in this group before the chain moves on. */
  maxAttempts: number;
  queueSize: number;
  queueTimeoutMs: number;
  latencyTolerance: number;
  failurePenaltyMs: number;
  penaltyHalfLifeMs: number;
}

/** Weight of a moving-average step: the newest time to first token counts for 30%. */
const LATENCY_ALPHA = 0.3;

export class Deployment implements PickCandidate {
  readonly id: string;
  order: number;
  /** Where calls go: `provider` is a configured provider or this deployment's own instance. */
  target: Target;
  /** The `provider/model` the price table knows it by. */
  priceKey: string;
  weight: number;
  /** Infinity when unlimited. */
  maxConcurrent: number;
  inFlight = 0;
  picks = 0;
  successes = 0;
  failures = 0;
  latencyMs: number | undefined = undefined;
  penaltyMs = 0;
  penaltyAt = 0;
  /** The group that owns it now (a redefinition hands a deployment, with its counters, to the new group). */
  owner!: DeploymentGroup;
  readonly #priceOf: (key: string) => number | undefined;

  constructor(init: { id: string; order: number; target: Target; priceKey: string; weight: number; maxConcurrent: number }, priceOf: (key: string) => number | undefined) {
    this.id = init.id;
    this.order = init.order;
    this.target = init.target;
    this.priceKey = init.priceKey;
    this.weight = init.weight;
    this.maxConcurrent = init.maxConcurrent;
    this.#priceOf = priceOf;
  }

  get price(): number | undefined {
    return this.#priceOf(this.priceKey);
  }
}

/** Why no deployment was handed out. */
export type Refusal = 'none_usable' | 'busy' | 'queue_full' | 'aborted';
export type Take = { deployment: Deployment } | { refused: Refusal };

type Usable = (deployment: Deployment) => boolean;

interface Waiter {
  usable: Usable;
  tried: ReadonlySet<string>;
  settle: (take: Take) => void;
}

export class DeploymentGroup {
  readonly settings: GroupSettings;
  readonly deployments: readonly Deployment[];
  readonly #random: Random;
  #cursor = 0;
  #picks = 0;
  #waiters: Waiter[] = [];
  /** Reused by every pick: the free candidates, so a pick allocates nothing in the common case. */
  readonly #free: Deployment[] = [];

  constructor(settings: GroupSettings, deployments: Deployment[], random: Random) {
    this.settings = settings;
    this.deployments = deployments;
    this.#random = random;
    for (const d of deployments) d.owner = this;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  get picks(): number {
    return this.#picks;
  }

  /** Takes over a previous definition's picks and waiting requests (its deployments are handed over by the registry). */
  adopt(previous: DeploymentGroup): void {
    this.#picks = previous.#picks;
    this.#waiters = previous.#waiters;
    previous.#waiters = [];
    this.#drain();
  }

  /**
   * Picks a usable deployment not in `tried` with a free slot and takes the slot; 'full' when
   * usable ones exist but are all at maxConcurrent, 'none' when none is usable.
   */
  pickNow(usable: Usable, tried: ReadonlySet<string>, now = Date.now()): Deployment | 'full' | 'none' {
    const free = this.#free;
    free.length = 0;
    let usableSeen = false;
    for (const d of this.deployments) {
      if (tried.has(d.id) || !usable(d)) continue;
      usableSeen = true;
      if (d.inFlight < d.maxConcurrent) free.push(d);
    }
    if (free.length === 0) return usableSeen ? 'full' : 'none';
    const picked = this.#pick(free, now);
    free.length = 0;
    this.#hold(picked);
    return picked;
  }

  /** pickNow, or a wait in the queue (bounded in size and time) for a slot when all are full. */
  take(usable: Usable, tried: ReadonlySet<string>, signal: AbortSignal): Promise<Take> {
    const now = this.pickNow(usable, tried);
    if (now === 'none') return Promise.resolve({ refused: 'none_usable' });
    if (now !== 'full') return Promise.resolve({ deployment: now });
    if (signal.aborted) return Promise.resolve({ refused: 'aborted' });
    if (this.#waiters.length >= this.settings.queueSize) return Promise.resolve({ refused: 'queue_full' });
    if (this.settings.queueTimeoutMs === 0) return Promise.resolve({ refused: 'busy' });
    // The array travels with adopt(), so a waiter always finds itself in it.
    const queue = this.#waiters;
    return new Promise<Take>((resolve) => {
      let settled = false;
      const waiter: Waiter = {
        usable,
        tried,
        settle: (take) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          const i = queue.indexOf(waiter);
          if (i !== -1) queue.splice(i, 1);
          resolve(take);
        },
      };
      const onAbort = () => waiter.settle({ refused: 'aborted' });
      const timer = setTimeout(() => waiter.settle({ refused: 'busy' }), this.settings.queueTimeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
    });
  }

  /** Takes a slot on this very deployment (a tool loop's next turn), if it has one free. */
  takeExact(deployment: Deployment): boolean {
    if (deployment.inFlight >= deployment.maxConcurrent) return false;
    this.#hold(deployment);
    return true;
  }

  /** Gives a slot back; a waiting request may take it at once. */
  release(deployment: Deployment): void {
    deployment.inFlight = Math.max(0, deployment.inFlight - 1);
    deployment.owner.#drain();
  }

  succeeded(deployment: Deployment, firstTokenMs: number): void {
    deployment.successes++;
    deployment.latencyMs = deployment.latencyMs === undefined ? firstTokenMs : deployment.latencyMs + LATENCY_ALPHA * (firstTokenMs - deployment.latencyMs);
  }

  failed(deployment: Deployment, now = Date.now()): void {
    deployment.failures++;
    const s = this.settings;
    deployment.penaltyMs = decayedPenalty(deployment.penaltyMs, deployment.penaltyAt, now, s.penaltyHalfLifeMs) + s.failurePenaltyMs;
    deployment.penaltyAt = now;
  }

  #hold(deployment: Deployment): void {
    deployment.inFlight++;
    deployment.picks++;
    this.#picks++;
  }

  #pick(free: Deployment[], now: number): Deployment {
    switch (this.settings.strategy) {
      case 'round-robin': {
        const { picked, cursor } = pickRoundRobin(free, this.#cursor);
        this.#cursor = cursor;
        return picked;
      }
      case 'least-busy':
        return pickLeastBusy(free, this.#random);
      case 'latency':
        return pickByLatency(free, this.#random, now, { tolerance: this.settings.latencyTolerance, penaltyHalfLifeMs: this.settings.penaltyHalfLifeMs });
      case 'first-available':
        return pickFirstAvailable(free);
      case 'cost':
        return pickCheapest(free, this.#random);
      case 'weighted':
        return pickWeighted(free, this.#random);
      default: {
        const never: never = this.settings.strategy;
        throw new Error(`unknown strategy ${String(never)}`);
      }
    }
  }

  /** Hands free slots to waiting requests, oldest first. */
  #drain(): void {
    if (this.#waiters.length === 0) return;
    const now = Date.now();
    for (const waiter of [...this.#waiters]) {
      if (!this.deployments.some((d) => d.inFlight < d.maxConcurrent)) return;
      const picked = this.pickNow(waiter.usable, waiter.tried, now);
      if (picked === 'full') continue;
      waiter.settle(picked === 'none' ? { refused: 'none_usable' } : { deployment: picked });
    }
  }
}
