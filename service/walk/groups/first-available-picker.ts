// `first-available`: the first deployment in declared order with a free slot, for stateful backends
// that serve one caller (or maxConcurrent callers) at a time. The group has already left out the
// full ones; when all are full the request waits in the group's queue (see deployment-group.ts).
import type { PickCandidate } from './pick-candidate.ts';

export function pickFirstAvailable<T extends PickCandidate>(candidates: readonly T[]): T {
  let first = candidates[0];
  for (const c of candidates) if (c.order < first.order) first = c;
  return first;
}
