import { describe, expect, it } from 'vitest';
import { knownCapabilities } from './model-capabilities.ts';

describe('knownCapabilities', () => {
  it('knows the windows of the default chains’ models, with or without an OpenRouter vendor prefix', () => {
    expect(knownCapabilities('gpt-4o').contextWindow).toBe(128_000);
    expect(knownCapabilities('openai/gpt-4o-mini').contextWindow).toBe(128_000);
    expect(knownCapabilities('claude-sonnet-4-5').contextWindow).toBe(200_000);
    expect(knownCapabilities('moonshotai/kimi-k2.5').contextWindow).toBe(262_144);
    expect(knownCapabilities('gemini-2.5-pro').contextWindow).toBe(1_048_576);
  });

  it('says which models take no images, and assumes tools and images for unknown ones', () => {
    expect(knownCapabilities('deepseek/deepseek-r1').images).toBe(false);
    expect(knownCapabilities('some-new-model')).toEqual({ tools: true, streaming: true, images: true });
  });
});
