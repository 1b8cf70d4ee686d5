import { describe, expect, it } from 'vitest';
import { changesOf } from './pg-stores.ts';

describe('changesOf: what a change-feed topic means to the gateway', () => {
  it('reads settings and categories as config, cool-downs as cool-downs, and the periodic re-read as both', () => {
    expect(changesOf('settings')).toEqual(['config']);
    expect(changesOf('categories')).toEqual(['config']);
    expect(changesOf('cooldowns')).toEqual(['cooldowns']);
    expect(changesOf('*')).toEqual(['config', 'cooldowns']);
  });

  it('reads a breaker reset with its target, or every target', () => {
    expect(changesOf('breaker-reset:openrouter/moonshotai/kimi-k2.5')).toEqual([{ kind: 'breaker-reset', target: 'openrouter/moonshotai/kimi-k2.5' }]);
    expect(changesOf('breaker-reset:*')).toEqual([{ kind: 'breaker-reset', target: null }]);
  });

  it('ignores a topic it does not know (a newer replica’s), rather than failing', () => {
    expect(changesOf('something-new')).toEqual([]);
  });
});
