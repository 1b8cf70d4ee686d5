import { describe, expect, it } from 'vitest';
import { ToolLoopAffinity } from './tool-loop-affinity.ts';

describe('ToolLoopAffinity', () => {
  it('finds the target that issued a tool call, until its time is up', () => {
    const affinity = new ToolLoopAffinity({ ttlMs: 1000, maxEntries: 10 });
    affinity.remember(['call_a', 'call_b'], 'anthropic/claude-sonnet-4-5', 0);
    expect(affinity.targetFor(['call_x', 'call_b'], 500)).toBe('anthropic/claude-sonnet-4-5');
    expect(affinity.targetFor(['call_a'], 1500)).toBeUndefined();
  });

  it('forgets the oldest loops first when full', () => {
    const affinity = new ToolLoopAffinity({ ttlMs: 60_000, maxEntries: 2 });
    affinity.remember(['1'], 'a/x', 0);
    affinity.remember(['2'], 'b/x', 0);
    affinity.remember(['3'], 'c/x', 0);
    expect(affinity.targetFor(['1'], 1)).toBeUndefined();
    expect(affinity.targetFor(['3'], 1)).toBe('c/x');
  });
});
