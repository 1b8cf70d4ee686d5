// Gemini usageMetadata → OpenAI usage.
import type { Usage } from '../../canonical/chat-types.ts';
import type { GeminiUsageMetadata } from './gemini-api-types.ts';
import { tokenCount } from '../token-count.ts';

/**
 * Thinking tokens are billed as output, so they count in completion_tokens (as OpenAI counts
 * reasoning tokens) and are broken out in completion_tokens_details. Tokens spent on tool-use
 * prompts (code execution, search) are prompt tokens.
 */
export function convertGeminiUsage(usage: GeminiUsageMetadata | undefined): Usage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  // Every count is checked: the wire may carry anything (see token-count.ts). No usable prompt or
  // output count means the usage is unknown, not zero.
  const promptCount = tokenCount(usage.promptTokenCount);
  const candidates = tokenCount(usage.candidatesTokenCount);
  if (promptCount === undefined && candidates === undefined) return undefined;
  const prompt = (promptCount ?? 0) + (tokenCount(usage.toolUsePromptTokenCount) ?? 0);
  const thoughts = tokenCount(usage.thoughtsTokenCount) ?? 0;
  const completion = (candidates ?? 0) + thoughts;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: tokenCount(usage.totalTokenCount) ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: tokenCount(usage.cachedContentTokenCount) ?? 0 },
    completion_tokens_details: { reasoning_tokens: thoughts },
  };
}
