// Anthropic usage → OpenAI usage. Anthropic counts cache reads and cache writes apart from
// input_tokens; OpenAI's prompt_tokens includes them, with the cache hits in cached_tokens.
import type { Usage } from '../../canonical/chat-types.ts';

export interface AnthropicUsageLike {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

export function mapAnthropicUsage(usage: AnthropicUsageLike): Usage {
  const input = usage.input_tokens ?? 0;
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  const prompt = input + cacheRead + cacheWrite;
  const completion = usage.output_tokens ?? 0;
  const thinking = usage.output_tokens_details?.thinking_tokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    // cache_write_tokens is OpenRouter's name for the same thing; writes cost more than reads.
    prompt_tokens_details: { cached_tokens: cacheRead, cache_write_tokens: cacheWrite },
    ...(typeof thinking === 'number' ? { completion_tokens_details: { reasoning_tokens: thinking } } : {}),
  };
}

/** Streams report usage in parts (message_start, then cumulative message_delta): later non-null values win. */
export function mergeAnthropicUsage(into: AnthropicUsageLike, update: AnthropicUsageLike | null | undefined): AnthropicUsageLike {
  if (!update) return into;
  const merged: AnthropicUsageLike = { ...into };
  for (const key of ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens', 'output_tokens_details'] as const) {
    const value = update[key];
    if (value !== null && value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}
