// Anthropic stop_reason → OpenAI finish_reason.
import type { FinishReason } from '../../canonical/chat-types.ts';

export function mapAnthropicFinishReason(reason: string | null | undefined): FinishReason | null {
  switch (reason) {
    case null:
    case undefined:
      return null;
    case 'end_turn':
    case 'stop_sequence':
    // A server-tool turn paused by the API: the answer so far is complete as sent.
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}
