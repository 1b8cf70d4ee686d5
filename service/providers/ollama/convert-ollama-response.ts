// Ollama /api/chat (stream:false) answer → OpenAI chat.completion.
import type { AssistantMessage, ChatCompletion, Usage } from '../../canonical/chat-types.ts';
import { convertOllamaToolCall } from './convert-ollama-tool-calls.ts';
import { mapOllamaFinishReason } from './map-ollama-finish-reason.ts';
import type { OllamaWireChatResponse } from './ollama-chat-wire.ts';
import { stringOr, textOf } from '../answer-shape.ts';
import { tokenCount } from '../token-count.ts';

export interface ResponseIdentity {
  /** Ollama gives no completion id; the adapter makes one. */
  id: string;
  /** The model asked for, used when the answer does not name one. */
  model: string;
  now?: number;
}

/** Throws UndeliverableAnswerError for an answer with the wrong shape (see answer-shape.ts). */
export function convertOllamaResponse(response: OllamaWireChatResponse, identity: ResponseIdentity): ChatCompletion {
  const message = response.message && typeof response.message === 'object' ? response.message : {};
  const seed = typeof response.created_at === 'string' ? response.created_at : identity.id;
  const toolCalls = (Array.isArray(message.tool_calls) ? message.tool_calls : []).map((call, i) => convertOllamaToolCall(call, i, seed));
  const text = textOf(message.content, 'content');
  const thinking = textOf(message.thinking, 'thinking');
  const assistant: AssistantMessage = { role: 'assistant', content: text || (toolCalls.length ? null : text) };
  if (thinking) assistant.reasoning_content = thinking;
  if (toolCalls.length) assistant.tool_calls = toolCalls;
  const completion: ChatCompletion = {
    id: identity.id,
    object: 'chat.completion',
    created: createdSeconds(response.created_at, identity.now),
    model: stringOr(response.model, identity.model),
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
  const prompt = tokenCount(response.prompt_eval_count);
  const completion = tokenCount(response.eval_count);
  if (prompt === undefined && completion === undefined) return undefined;
  const p = prompt ?? 0;
  const c = completion ?? 0;
  return { prompt_tokens: p, completion_tokens: c, total_tokens: p + c };
}

/** created_at is an RFC 3339 string with nanoseconds; OpenAI wants Unix seconds. */
export function createdSeconds(createdAt: string | undefined, now = Date.now()): number {
  const ms = typeof createdAt === 'string' ? Date.parse(createdAt) : NaN;
  return Math.floor((Number.isFinite(ms) ? ms : now) / 1000);
}
