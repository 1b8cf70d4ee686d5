// `cost`: the cheapest deployment by the price table (input + output USD per 1M tokens); equal
// prices share the load by weight, and an unpriced deployment is used only when no priced one can be.
import { byWeight, byWeightWhere, type PickCandidate } from './pick-candidate.ts';

export function pickCheapest<T extends PickCandidate>(candidates: readonly T[], random: () => number): T {
  let cheapest = Infinity;
  for (const c of candidates) cheapest = Math.min(cheapest, c.price ?? Infinity);
  if (cheapest === Infinity) return byWeight(candidates, random);
  return byWeightWhere(candidates, (c) => c.price === cheapest, random);
}
