// Gemini usageMetadata → OpenAI usage.
import type { Usage } from '../../canonical/chat-types.ts';
import type { GeminiUsageMetadata } from './gemini-api-types.ts';

/**
 * Thinking tokens are billed as output, so they count in completion_tokens (as OpenAI counts
 * reasoning tokens) and are broken out in completion_tokens_details. Tokens spent on tool-use
 * prompts (code execution, search) are prompt tokens.
 */
export function convertGeminiUsage(usage: GeminiUsageMetadata | undefined): Usage | undefined {
  if (!usage) return undefined;
  const prompt = (usage.promptTokenCount ?? 0) + (usage.toolUsePromptTokenCount ?? 0);
  const thoughts = usage.thoughtsTokenCount ?? 0;
  const completion = (usage.candidatesTokenCount ?? 0) + thoughts;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: usage.totalTokenCount ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: usage.cachedContentTokenCount ?? 0 },
    completion_tokens_details: { reasoning_tokens: thoughts },
  };
}
