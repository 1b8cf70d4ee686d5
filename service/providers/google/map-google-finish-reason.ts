// Gemini's finishReason → OpenAI's finish_reason.
import type { FinishReason } from '../../canonical/chat-types.ts';

const FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'LANGUAGE',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/**
 * STOP means "tool_calls" when the candidate called functions (Gemini has no separate reason);
 * MALFORMED_FUNCTION_CALL, OTHER and newer reasons read as "stop" (OpenAI has no error reason).
 * Undefined stays null: the candidate is not finished yet (mid-stream).
 */
export function mapGoogleFinishReason(reason: string | undefined, hasToolCalls: boolean): FinishReason | null {
  if (!reason) return null;
  if (reason === 'MAX_TOKENS') return 'length';
  if (FILTERED.has(reason)) return 'content_filter';
  return hasToolCalls ? 'tool_calls' : 'stop';
}
