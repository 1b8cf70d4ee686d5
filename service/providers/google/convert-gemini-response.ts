// A generateContent response → an OpenAI chat.completion.
import { randomUUID } from 'node:crypto';
import type { ChatCompletion } from '../../canonical/chat-types.ts';
import type { GeminiCandidate, GeminiGenerateContentResponse } from './gemini-api-types.ts';
import { convertGeminiUsage } from './convert-gemini-usage.ts';
import { ToolCallIds, toToolCall, type GeminiToolCall } from './convert-gemini-function-call.ts';
import { mapGoogleFinishReason } from './map-google-finish-reason.ts';
import { stringOr } from '../answer-shape.ts';

export interface ConvertResponseOptions {
  /** The model asked for; used when the response does not name its modelVersion. */
  model: string;
  now?: () => number;
}

export function convertGeminiResponse(response: GeminiGenerateContentResponse, options: ConvertResponseOptions): ChatCompletion {
  const ids = new ToolCallIds(response.responseId);
  const candidates = Array.isArray(response.candidates) ? response.candidates.filter((c) => c && typeof c === 'object') : [];
  const choices: ChatCompletion['choices'] = candidates.map((candidate, position) => convertCandidate(candidate, Number.isInteger(candidate.index) ? candidate.index! : position, ids));
  if (choices.length === 0 && response.promptFeedback?.blockReason) {
    // The prompt itself was blocked: Gemini answers without candidates.
    choices.push({ index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'content_filter', logprobs: null });
  }
  const completion: ChatCompletion = {
    id: `chatcmpl-${stringOr(response.responseId, randomUUID())}`,
    object: 'chat.completion',
    created: Math.floor((options.now?.() ?? Date.now()) / 1000),
    model: stringOr(response.modelVersion, options.model),
    choices,
  };
  const usage = convertGeminiUsage(response.usageMetadata);
  if (usage) completion.usage = usage;
  return completion;
}

function convertCandidate(candidate: GeminiCandidate, index: number, ids: ToolCallIds): ChatCompletion['choices'][number] {
  let text = '';
  let reasoning = '';
  const toolCalls: GeminiToolCall[] = [];
  for (const part of Array.isArray(candidate.content?.parts) ? candidate.content.parts : []) {
    if (!part || typeof part !== 'object') continue;
    if (part.functionCall) toolCalls.push(toToolCall(part, ids.idFor(part, index, toolCalls.length)));
    else if (typeof part.text === 'string') {
      if (part.thought) reasoning += part.text;
      else text += part.text;
    }
  }
  const message: ChatCompletion['choices'][number]['message'] = { role: 'assistant', content: text || (toolCalls.length ? null : '') };
  if (toolCalls.length) message.tool_calls = toolCalls;
  if (reasoning) message.reasoning_content = reasoning;
  return { index, message, finish_reason: mapGoogleFinishReason(candidate.finishReason, toolCalls.length > 0) ?? 'stop', logprobs: null };
}
