import { describe, expect, it } from 'vitest';
import { pickWeighted } from './weighted-picker.ts';
import { seededRandom } from './seeded-random.ts';
import { candidates, tally } from './test-candidates.ts';

describe('pickWeighted', () => {
  it('gives each deployment its weight’s share: every weight counts, not only the first', () => {
    const list = candidates({ name: 'a', weight: 5 }, { name: 'b', weight: 3 }, { name: 'c', weight: 2 });
    const random = seededRandom(7);
    const counts = tally(10_000, () => pickWeighted(list, random));
    expect(counts.a / 10_000).toBeCloseTo(0.5, 1);
    expect(counts.b / 10_000).toBeCloseTo(0.3, 1);
    expect(counts.c / 10_000).toBeCloseTo(0.2, 1);
  });

  it('picks by position in the weight line: the draw decides, not the order of the list', () => {
    const list = candidates({ name: 'a', weight: 1 }, { name: 'b', weight: 3 });
    expect(pickWeighted(list, () => 0).name).toBe('a');
    expect(pickWeighted(list, () => 0.24).name).toBe('a');
    expect(pickWeighted(list, () => 0.26).name).toBe('b');
    expect(pickWeighted(list, () => 0.999999).name).toBe('b');
  });

  it('returns the only candidate without drawing', () => {
    const list = candidates({ name: 'solo', weight: 2 });
    expect(pickWeighted(list, () => { throw new Error('no draw needed'); }).name).toBe('solo');
  });
});
