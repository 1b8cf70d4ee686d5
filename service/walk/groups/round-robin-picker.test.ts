import { describe, expect, it } from 'vitest';
import { pickRoundRobin } from './round-robin-picker.ts';
import { candidates } from './test-candidates.ts';

describe('pickRoundRobin', () => {
  it('serves each deployment in turn, wrapping round', () => {
    const list = candidates({ name: 'a' }, { name: 'b' }, { name: 'c' });
    let cursor = 0;
    const order: string[] = [];
    for (let i = 0; i < 7; i++) {
      const next = pickRoundRobin(list, cursor);
      order.push(next.picked.name);
      cursor = next.cursor;
    }
    expect(order).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });

  it('passes over a deployment that is not offered (breaker open, full) and gives the turn to the next', () => {
    const [a, , c] = candidates({ name: 'a' }, { name: 'b' }, { name: 'c' });
    expect(pickRoundRobin([a, c], 1)).toEqual({ picked: c, cursor: 3 });
    expect(pickRoundRobin([a, c], 3)).toEqual({ picked: a, cursor: 1 });
  });
});
