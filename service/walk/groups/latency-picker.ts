// `latency`: the lowest moving average of time to first token, plus a penalty after failures (the
// older routers' dynamic weighting). Deployments within the tolerance band of the best share the
// load by weight, so two near-equal hosts both stay warm; one never measured counts as 0 ms, so a
// new deployment is tried at once.
import { byWeightWhere, type PickCandidate } from './pick-candidate.ts';

export interface LatencyOptions {
  /** A deployment whose score is within this fraction above the best one's shares the load (0.2 = 20%). */
  tolerance: number;
  /** The failure penalty halves every this many ms. */
  penaltyHalfLifeMs: number;
}

/** A failure penalty as it stands at `now`. */
export function decayedPenalty(penaltyMs: number, penaltyAt: number, now: number, halfLifeMs: number): number {
  if (penaltyMs <= 0) return 0;
  const age = Math.max(0, now - penaltyAt);
  return penaltyMs * Math.pow(0.5, age / halfLifeMs);
}

export function latencyScore(c: PickCandidate, now: number, halfLifeMs: number): number {
  return (c.latencyMs ?? 0) + decayedPenalty(c.penaltyMs, c.penaltyAt, now, halfLifeMs);
}

export function pickByLatency<T extends PickCandidate>(candidates: readonly T[], random: () => number, now: number, options: LatencyOptions): T {
  if (candidates.length === 1) return candidates[0];
  let best = Infinity;
  for (const c of candidates) best = Math.min(best, latencyScore(c, now, options.penaltyHalfLifeMs));
  // An absolute floor of 1 ms keeps sub-millisecond local hosts (best ≈ 0) from splitting on noise.
  const ceiling = best * (1 + options.tolerance) + 1;
  return byWeightWhere(candidates, (c) => latencyScore(c, now, options.penaltyHalfLifeMs) <= ceiling, random);
}
