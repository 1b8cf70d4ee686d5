// Ollama's done_reason → OpenAI finish_reason.
import type { FinishReason } from '../../canonical/chat-types.ts';

/**
 * Ollama ends tool-calling turns with done_reason "stop", so the presence of calls decides
 * tool_calls. "load"/"unload" (a model (un)loaded with an empty prompt) and a missing reason
 * (older servers) are normal ends: stop.
 */
export function mapOllamaFinishReason(doneReason: string | null | undefined, hasToolCalls: boolean): FinishReason {
  if (doneReason === 'length') return 'length';
  return hasToolCalls ? 'tool_calls' : 'stop';
}
