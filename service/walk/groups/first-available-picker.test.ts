import { describe, expect, it } from 'vitest';
import { pickFirstAvailable } from './first-available-picker.ts';
import { candidates } from './test-candidates.ts';

describe('pickFirstAvailable', () => {
  it('takes the first offered deployment in declared order, whatever its load or weight', () => {
    const [a, b, c] = candidates({ name: 'a' }, { name: 'b', weight: 50 }, { name: 'c' });
    expect(pickFirstAvailable([a, b, c]).name).toBe('a');
    expect(pickFirstAvailable([c, b]).name).toBe('b');
  });
});
