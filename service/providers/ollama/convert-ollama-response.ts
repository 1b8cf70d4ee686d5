// Ollama /api/chat (stream:false) answer → OpenAI chat.completion.
import type { AssistantMessage, ChatCompletion, Usage } from '../../canonical/chat-types.ts';
import { convertOllamaToolCall } from './convert-ollama-tool-calls.ts';
import { mapOllamaFinishReason } from './map-ollama-finish-reason.ts';
import type { OllamaWireChatResponse } from './ollama-chat-wire.ts';

export interface ResponseIdentity {
  /** Ollama gives no completion id; the adapter makes one. */
  id: string;
  /** The model asked for, used when the answer does not name one. */
  model: string;
  now?: number;
}

export function convertOllamaResponse(response: OllamaWireChatResponse, identity: ResponseIdentity): ChatCompletion {
  const message = response.message ?? {};
  const toolCalls = (message.tool_calls ?? []).map((call, i) => convertOllamaToolCall(call, i, response.created_at ?? identity.id));
  const text = message.content ?? '';
  const assistant: AssistantMessage = { role: 'assistant', content: text || (toolCalls.length ? null : text) };
  if (message.thinking) assistant.reasoning_content = message.thinking;
  if (toolCalls.length) assistant.tool_calls = toolCalls;
  const completion: ChatCompletion = {
    id: identity.id,
    object: 'chat.completion',
    created: createdSeconds(response.created_at, identity.now),
    model: response.model || identity.model,
    choices: [{ index: 0, message: assistant, finish_reason: mapOllamaFinishReason(response.done_reason, toolCalls.length > 0), logprobs: null }],
  };
  const usage = ollamaUsage(response);
  if (usage) completion.usage = usage;
  return completion;
}

/**
 * prompt_eval_count/eval_count → prompt/completion tokens. Ollama reports neither cached
 * prompt tokens nor thinking tokens apart (thinking is inside eval_count), so no details.
 */
export function ollamaUsage(response: OllamaWireChatResponse): Usage | undefined {
  const prompt = response.prompt_eval_count;
  const completion = response.eval_count;
  if (typeof prompt !== 'number' && typeof completion !== 'number') return undefined;
  const p = prompt ?? 0;
  const c = completion ?? 0;
  return { prompt_tokens: p, completion_tokens: c, total_tokens: p + c };
}

/** created_at is an RFC 3339 string with nanoseconds; OpenAI wants Unix seconds. */
export function createdSeconds(createdAt: string | undefined, now = Date.now()): number {
  const ms = createdAt ? Date.parse(createdAt) : NaN;
  return Math.floor((Number.isFinite(ms) ? ms : now) / 1000);
}
