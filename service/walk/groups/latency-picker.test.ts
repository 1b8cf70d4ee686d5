import { describe, expect, it } from 'vitest';
import { decayedPenalty, pickByLatency } from './latency-picker.ts';
import { seededRandom } from './seeded-random.ts';
import { candidates, tally } from './test-candidates.ts';

const options = { tolerance: 0.2, penaltyHalfLifeMs: 30_000 };

describe('pickByLatency', () => {
  it('picks the lowest moving average of time to first token', () => {
    const list = candidates({ name: 'slow', latencyMs: 900 }, { name: 'fast', latencyMs: 120 }, { name: 'mid', latencyMs: 400 });
    expect(tally(200, () => pickByLatency(list, seededRandom(5), 0, options))).toEqual({ fast: 200 });
  });

  it('lets near-equals inside the tolerance band share the load', () => {
    const list = candidates({ name: 'a', latencyMs: 100 }, { name: 'b', latencyMs: 115 }, { name: 'far', latencyMs: 200 });
    const random = seededRandom(9);
    const counts = tally(2000, () => pickByLatency(list, random, 0, options));
    expect(counts.far).toBeUndefined();
    expect(counts.a / 2000).toBeCloseTo(0.5, 1);
  });

  it('tries a deployment never measured (it counts as 0 ms)', () => {
    const list = candidates({ name: 'known', latencyMs: 50 }, { name: 'new' });
    expect(pickByLatency(list, seededRandom(1), 0, options).name).toBe('new');
  });

  it('steers away from a deployment after failures, and back once the penalty has decayed', () => {
    const list = candidates({ name: 'flaky', latencyMs: 100, penaltyMs: 2000, penaltyAt: 0 }, { name: 'steady', latencyMs: 300 });
    expect(pickByLatency(list, seededRandom(1), 1000, options).name).toBe('steady');
    // Ten half-lives later the penalty is ~2 ms: the faster one is back in front.
    expect(pickByLatency(list, seededRandom(1), 300_000, options).name).toBe('flaky');
  });
});

describe('decayedPenalty', () => {
  it('halves every half-life and is never negative', () => {
    expect(decayedPenalty(1000, 0, 0, 100)).toBe(1000);
    expect(decayedPenalty(1000, 0, 100, 100)).toBeCloseTo(500);
    expect(decayedPenalty(1000, 0, 200, 100)).toBeCloseTo(250);
    expect(decayedPenalty(0, 0, 50, 100)).toBe(0);
    expect(decayedPenalty(1000, 500, 0, 100)).toBe(1000);
  });
});
