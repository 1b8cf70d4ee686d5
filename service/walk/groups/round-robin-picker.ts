// `round-robin`: each deployment in declared order, one request each. A deployment that may not be
// used now (breaker open, full) is passed over, and the turn goes to the next one after it.
import type { PickCandidate } from './pick-candidate.ts';

/**
 * The first candidate at or after `cursor` in declared order (wrapping round), and where the next
 * pick starts. `cursor` is a position in the group's full list, not in `candidates`.
 */
export function pickRoundRobin<T extends PickCandidate>(candidates: readonly T[], cursor: number): { picked: T; cursor: number } {
  let picked = candidates[0];
  for (const c of candidates) {
    if (c.order >= cursor) {
      picked = c;
      break;
    }
  }
  return { picked, cursor: picked.order + 1 };
}
