import { describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random.ts';

describe('seededRandom', () => {
  it('replays the same sequence for a seed, in [0, 1), and another one for another seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seededRandom(43)()).not.toBe(first[0]);
    // Roughly uniform: each tenth of [0, 1) gets 7-13% of the draws.
    const deciles = new Array(10).fill(0);
    for (const x of first) deciles[Math.floor(x * 10)]++;
    for (const n of deciles) expect(n).toBeGreaterThan(70), expect(n).toBeLessThan(130);
  });
});
