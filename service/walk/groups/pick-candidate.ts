// What a picker sees of a deployment. The group hands a picker only deployments it may use
// (breaker closed, not cooling down, below maxConcurrent, not yet tried by this request), in
// their declared order, and never an empty list.

export interface PickCandidate {
  /** Position in the group's declared list. */
  readonly order: number;
  /** Relative share for `weighted` (and the tie-break of the other random pickers); > 0. */
  readonly weight: number;
  /** Calls running on it now (a stream counts until it ends). */
  readonly inFlight: number;
  /** Moving average of time to first token, ms; undefined until a call succeeded. */
  readonly latencyMs: number | undefined;
  /** Added to the latency after failures, as it stood at penaltyAt; it halves every half-life after. */
  readonly penaltyMs: number;
  readonly penaltyAt: number;
  /** USD per 1M tokens, input and output added; undefined when the price table does not know it. */
  readonly price: number | undefined;
}

/** A random pick by weight among `candidates` (all of them: every weight counts). */
export function byWeight<T extends PickCandidate>(candidates: readonly T[], random: () => number): T {
  if (candidates.length === 1) return candidates[0];
  let total = 0;
  for (const c of candidates) total += c.weight;
  let r = random() * total;
  for (const c of candidates) {
    r -= c.weight;
    if (r < 0) return c;
  }
  return candidates[candidates.length - 1];
}

/** byWeight over the candidates `keep` accepts (at least one must be), without building a list: a pick runs per request. */
export function byWeightWhere<T extends PickCandidate>(candidates: readonly T[], keep: (c: T) => boolean, random: () => number): T {
  let total = 0;
  let only: T | undefined;
  let kept = 0;
  for (const c of candidates) {
    if (!keep(c)) continue;
    total += c.weight;
    only = c;
    kept++;
  }
  if (kept === 1) return only!;
  let r = random() * total;
  for (const c of candidates) {
    if (!keep(c)) continue;
    r -= c.weight;
    if (r < 0) return c;
  }
  return only!;
}
