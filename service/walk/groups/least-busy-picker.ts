// `least-busy`: the deployment with the fewest calls in flight; ties are shared by weight.
import { byWeightWhere, type PickCandidate } from './pick-candidate.ts';

export function pickLeastBusy<T extends PickCandidate>(candidates: readonly T[], random: () => number): T {
  let fewest = Infinity;
  for (const c of candidates) if (c.inFlight < fewest) fewest = c.inFlight;
  return byWeightWhere(candidates, (c) => c.inFlight === fewest, random);
}
