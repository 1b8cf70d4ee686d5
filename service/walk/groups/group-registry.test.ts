import { describe, expect, it } from 'vitest';
import type { ProviderConfig } from '../../config/gateway-config.ts';
import type { BreakerOptions } from '../../config/gateway-config.ts';
import { GroupRegistry } from './group-registry.ts';
import { seededRandom } from './seeded-random.ts';

function registry() {
  const base: ProviderConfig = { name: 'openai', type: 'openai', baseURL: 'https://api.openai.com/v1', apiKey: 'sk-base', configured: true, envHint: ['OPENAI_API_KEY'], headers: { 'x-team': 't' }, options: {} };
  const built: ProviderConfig[] = [];
  const overrides = new Map<string, Partial<BreakerOptions> | undefined>();
  const groups = new GroupRegistry({
    providers: { get: (name) => (name === 'openai' ? { config: base, adapter: undefined } : undefined), build: (config) => (built.push(config), { config, adapter: undefined }) },
    breakers: { setOverride: (target, options) => void overrides.set(target, options), state: () => 'closed' },
    priceOf: (target) => (target === 'openai/gpt-4o' ? 12.5 : undefined),
    keyFromEnv: (name) => ({ OPENAI_KEY_2: 'sk-two' })[name],
    random: seededRandom(1),
  });
  return { groups, built, overrides };
}

describe('GroupRegistry', () => {
  it('builds own instances that never carry the provider’s key to another host', () => {
    const { groups, built } = registry();
    groups.apply({
      fast: {
        deployments: [
          { target: 'openai/gpt-4o' },
          { target: 'openai/gpt-4o', name: 'key2', apiKeyEnv: 'OPENAI_KEY_2' },
          { target: 'openai/gpt-4o', name: 'box', baseURL: 'http://10.0.0.5:8000/v1' },
          { target: 'openai/gpt-4o', name: 'gone', apiKeyEnv: 'UNSET_KEY' },
        ],
      },
    });
    const byName = Object.fromEntries(built.map((c) => [c.name, c]));
    expect(byName['openai+key2']).toMatchObject({ baseURL: 'https://api.openai.com/v1', apiKey: 'sk-two', configured: true, envHint: ['OPENAI_KEY_2'], headers: { 'x-team': 't' } });
    expect(byName['openai+box']).toMatchObject({ baseURL: 'http://10.0.0.5:8000/v1', apiKey: undefined, configured: true, headers: {} });
    expect(byName['openai+gone']).toMatchObject({ apiKey: undefined, configured: false });
    expect(groups.instance('openai+key2')?.config.apiKey).toBe('sk-two');
    expect(groups.deployment('group:fast@openai+key2/gpt-4o')?.target).toEqual({ id: 'group:fast@openai+key2/gpt-4o', provider: 'openai+key2', model: 'gpt-4o' });
    expect(groups.priceKey('group:fast@openai+box/gpt-4o')).toBe('openai/gpt-4o');
    expect(groups.priceKey('openai/gpt-4o')).toBe('openai/gpt-4o');
  });

  it('keeps a surviving deployment’s counters across a redefinition, and clears the breaker options of one that left', () => {
    const { groups, overrides } = registry();
    groups.apply({ g: { deployments: [{ target: 'openai/gpt-4o', breaker: { volumeThreshold: 2 } }, { target: 'openai/gpt-4o-mini' }] } });
    const group = groups.get('g')!;
    for (let i = 0; i < 5; i++) {
      const picked = group.pickNow(() => true, new Set());
      if (typeof picked !== 'string') group.release(picked);
    }
    const before = groups.deployment('group:g@openai/gpt-4o')!.picks;
    expect(overrides.get('group:g@openai/gpt-4o')).toEqual({ volumeThreshold: 2 });
    groups.apply({ g: { strategy: 'round-robin', deployments: [{ target: 'openai/gpt-4o', weight: 4 }] } });
    expect(groups.deployment('group:g@openai/gpt-4o')).toMatchObject({ picks: before, weight: 4 });
    expect(groups.get('g')!.picks).toBe(5);
    expect(overrides.get('group:g@openai/gpt-4o')).toBeUndefined();
    expect(overrides.has('group:g@openai/gpt-4o-mini')).toBe(true);
    expect(overrides.get('group:g@openai/gpt-4o-mini')).toBeUndefined();
    expect(groups.deployment('group:g@openai/gpt-4o-mini')).toBeUndefined();
    expect(groups.snapshot()[0]).toMatchObject({ name: 'g', strategy: 'round-robin', deployments: [{ id: 'group:g@openai/gpt-4o', share: 1, weight: 4, max_concurrent: null }] });
  });
});
