// What /api/chat sends back, as it is on the wire. The SDK's own types say `created_at: Date`
// (it is an ISO string) and leave out the tool-call `id` newer servers add, so the
// translators read these instead.

export interface OllamaWireToolCall {
  /** Newer servers name their calls; older ones (and the recorded fixtures) do not. */
  id?: string;
  function: { name: string; arguments?: unknown; index?: number };
}

export interface OllamaWireMessage {
  role?: string;
  content?: string;
  thinking?: string;
  tool_calls?: OllamaWireToolCall[];
}

export interface OllamaWireChatResponse {
  model?: string;
  created_at?: string;
  message?: OllamaWireMessage;
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
  total_duration?: number;
  load_duration?: number;
  prompt_eval_duration?: number;
  eval_duration?: number;
}

/** A body or stream line that reports a failure: `error` is a string from Ollama, anything from a proxy in front of it. */
export interface OllamaWireError {
  error: unknown;
}

export function isOllamaWireError(value: unknown): value is OllamaWireError {
  if (typeof value !== 'object' || value === null) return false;
  const error = (value as { error?: unknown }).error;
  return error !== undefined && error !== null && error !== false && error !== '';
}
