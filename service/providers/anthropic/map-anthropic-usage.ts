// Anthropic usage → OpenAI usage. Anthropic counts cache reads and cache writes apart from
// input_tokens; OpenAI's prompt_tokens includes them, with the cache hits in cached_tokens.
import type { Usage } from '../../canonical/chat-types.ts';
import { tokenCount } from '../token-count.ts';

/** As typed by the SDK; on the wire any field may hold anything, which is why every count goes through tokenCount. */
export interface AnthropicUsageLike {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

/** Undefined when the upstream gave neither a usable input nor output count: the usage is then unknown, not zero. */
export function mapAnthropicUsage(usage: AnthropicUsageLike | null | undefined): Usage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const input = tokenCount(usage.input_tokens);
  const completion = tokenCount(usage.output_tokens);
  if (input === undefined && completion === undefined) return undefined;
  const cacheRead = tokenCount(usage.cache_read_input_tokens) ?? 0;
  const cacheWrite = tokenCount(usage.cache_creation_input_tokens) ?? 0;
  const prompt = (input ?? 0) + cacheRead + cacheWrite;
  const details = usage.output_tokens_details;
  const thinking = details && typeof details === 'object' ? tokenCount(details.thinking_tokens) : undefined;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion ?? 0,
    total_tokens: prompt + (completion ?? 0),
    // cache_write_tokens is OpenRouter's name for the same thing; writes cost more than reads.
    prompt_tokens_details: { cached_tokens: cacheRead, cache_write_tokens: cacheWrite },
    ...(typeof thinking === 'number' ? { completion_tokens_details: { reasoning_tokens: thinking } } : {}),
  };
}

/** Streams report usage in parts (message_start, then cumulative message_delta): later usable values win. */
export function mergeAnthropicUsage(into: AnthropicUsageLike, update: AnthropicUsageLike | null | undefined): AnthropicUsageLike {
  if (!update || typeof update !== 'object') return into;
  const merged: AnthropicUsageLike = { ...into };
  for (const key of ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'] as const) {
    const value = tokenCount(update[key]);
    if (value !== undefined) merged[key] = value;
  }
  const details = update.output_tokens_details;
  if (details && typeof details === 'object' && tokenCount(details.thinking_tokens) !== undefined) merged.output_tokens_details = details;
  return merged;
}
