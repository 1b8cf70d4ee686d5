import { describe, expect, it } from 'vitest';
import { mapAnthropicUsage, mergeAnthropicUsage } from './map-anthropic-usage.ts';

describe('mapAnthropicUsage', () => {
  it('counts cache reads and writes into prompt_tokens, reads as cached_tokens', () => {
    expect(mapAnthropicUsage({ input_tokens: 3, cache_read_input_tokens: 1111, cache_creation_input_tokens: 418, output_tokens: 33 })).toEqual({
      prompt_tokens: 1532,
      completion_tokens: 33,
      total_tokens: 1565,
      prompt_tokens_details: { cached_tokens: 1111, cache_write_tokens: 418 },
    });
  });

  it('reports thinking tokens as reasoning_tokens when given', () => {
    const usage = mapAnthropicUsage({ input_tokens: 10, output_tokens: 50, output_tokens_details: { thinking_tokens: 40 } });
    expect(usage?.completion_tokens_details).toEqual({ reasoning_tokens: 40 });
  });

  it('treats missing and null counts as zero', () => {
    expect(mapAnthropicUsage({ input_tokens: 5, cache_read_input_tokens: null, output_tokens: null })).toMatchObject({ prompt_tokens: 5, completion_tokens: 0, total_tokens: 5 });
  });
});

describe('mergeAnthropicUsage', () => {
  it('lets later non-null values win', () => {
    const start = { input_tokens: 770, cache_read_input_tokens: 0, output_tokens: 8 };
    expect(mergeAnthropicUsage(start, { input_tokens: null, output_tokens: 38, cache_creation_input_tokens: null })).toEqual({ input_tokens: 770, cache_read_input_tokens: 0, output_tokens: 38 });
    expect(mergeAnthropicUsage(start, undefined)).toBe(start);
  });
});

describe('usage an upstream got wrong', () => {
  it('drops counts that are objects, booleans, arrays, negative or infinite', () => {
    const odd = { input_tokens: { n: 1 }, output_tokens: true, cache_read_input_tokens: [3], cache_creation_input_tokens: -2 } as never;
    expect(mapAnthropicUsage(odd)).toBeUndefined();
    expect(mapAnthropicUsage({ input_tokens: 7, output_tokens: Infinity, cache_read_input_tokens: -1 })).toMatchObject({ prompt_tokens: 7, completion_tokens: 0, total_tokens: 7, prompt_tokens_details: { cached_tokens: 0 } });
    expect(mergeAnthropicUsage({ input_tokens: 5 }, { input_tokens: { n: 9 }, output_tokens: 3 } as never)).toEqual({ input_tokens: 5, output_tokens: 3 });
  });
});
