// Candidates for the picker tests: declared order, weight 1, idle, unmeasured, unpriced unless said.
import type { PickCandidate } from './pick-candidate.ts';

export type TestCandidate = PickCandidate & { name: string };

export function candidates(...specs: Array<Partial<TestCandidate> & { name: string }>): TestCandidate[] {
  return specs.map((s, order) => ({ order, weight: 1, inFlight: 0, latencyMs: undefined, penaltyMs: 0, penaltyAt: 0, price: undefined, ...s }));
}

/** How often each name was picked in `n` picks. */
export function tally(n: number, pick: () => { name: string }): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const name = pick().name;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}
