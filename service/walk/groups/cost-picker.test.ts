import { describe, expect, it } from 'vitest';
import { pickCheapest } from './cost-picker.ts';
import { seededRandom } from './seeded-random.ts';
import { candidates, tally } from './test-candidates.ts';

describe('pickCheapest', () => {
  it('picks the cheapest priced deployment; unpriced ones only when nothing is priced', () => {
    const list = candidates({ name: 'dear', price: 12.5 }, { name: 'unpriced' }, { name: 'cheap', price: 0.6 });
    expect(tally(100, () => pickCheapest(list, seededRandom(2)))).toEqual({ cheap: 100 });
    const unpriced = candidates({ name: 'x' }, { name: 'y' });
    expect(Object.keys(tally(100, (() => { const r = seededRandom(4); return () => pickCheapest(unpriced, r); })())).sort()).toEqual(['x', 'y']);
  });

  it('shares equal prices by weight', () => {
    const list = candidates({ name: 'a', price: 1, weight: 1 }, { name: 'b', price: 1, weight: 1 }, { name: 'dear', price: 2 });
    const random = seededRandom(8);
    const counts = tally(2000, () => pickCheapest(list, random));
    expect(counts.dear).toBeUndefined();
    expect(counts.a / 2000).toBeCloseTo(0.5, 1);
  });
});
