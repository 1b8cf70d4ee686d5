import type { ChatCompletion } from '../canonical/chat-types.ts';

/** No choice, or a first choice with neither text, refusal nor tool calls, and not cut short by a limit or filter. */
export function isEmptyCompletion(completion: ChatCompletion): boolean {
  const choice = completion?.choices?.[0];
  if (!choice) return true;
  if (choice.finish_reason === 'length' || choice.finish_reason === 'content_filter') return false;
  const message = choice.message;
  if (!message) return true;
  return !message.content && !message.refusal && !(message.tool_calls && message.tool_calls.length > 0);
}
