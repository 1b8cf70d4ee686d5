import { describe, expect, it } from 'vitest';
import { pickLeastBusy } from './least-busy-picker.ts';
import { seededRandom } from './seeded-random.ts';
import { candidates, tally } from './test-candidates.ts';

describe('pickLeastBusy', () => {
  it('picks the deployment with the fewest calls in flight', () => {
    const list = candidates({ name: 'a', inFlight: 4 }, { name: 'b', inFlight: 1 }, { name: 'c', inFlight: 2 });
    expect(pickLeastBusy(list, Math.random).name).toBe('b');
  });

  it('shares ties by weight', () => {
    const list = candidates({ name: 'a', inFlight: 0, weight: 1 }, { name: 'b', inFlight: 0, weight: 3 }, { name: 'busy', inFlight: 1, weight: 100 });
    const counts = tally(4000, () => pickLeastBusy(list, seededRandom(1)));
    expect(counts.busy).toBeUndefined();
    const random = seededRandom(3);
    const shared = tally(4000, () => pickLeastBusy(list, random));
    expect(shared.b / 4000).toBeCloseTo(0.75, 1);
  });
});
