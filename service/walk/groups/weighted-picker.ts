// `weighted` (the default): random by weight, so deployments weighted 3:1 serve about 75% and 25%.
import { byWeight, type PickCandidate } from './pick-candidate.ts';

export function pickWeighted<T extends PickCandidate>(candidates: readonly T[], random: () => number): T {
  return byWeight(candidates, random);
}
