// A Gemini functionCall part ↔ an OpenAI tool call, including the thought signature that
// Gemini 3 requires back on the function call of a later turn.
import { createHash, randomUUID } from 'node:crypto';
import type { ToolCall } from '../../canonical/chat-types.ts';
import type { GeminiPart } from './gemini-api-types.ts';
import { argumentsJson, optionalId, toolName } from '../answer-shape.ts';

/**
 * Where a thought signature travels on an OpenAI tool call: the field Google's own
 * OpenAI-compatible endpoint uses, so clients that already keep it for Gemini keep it here too.
 */
export interface GoogleToolCallExtra {
  extra_content?: { google?: { thought_signature?: string } };
}

export type GeminiToolCall = ToolCall & GoogleToolCallExtra;

/** Reads the thought signature a client sent back on a tool call, if any. */
export function thoughtSignatureOf(call: unknown): string | undefined {
  const signature = (call as GoogleToolCallExtra | undefined)?.extra_content?.google?.thought_signature;
  return typeof signature === 'string' && signature ? signature : undefined;
}

/**
 * Tool call ids for one response. Gemini 3 names its calls (`functionCall.id`) and that id is
 * used as is; older models do not, so ids are derived from the response id, candidate and call
 * position: the same response always yields the same ids, streamed or not.
 */
export class ToolCallIds {
  readonly #salt: string;

  constructor(responseId: string | undefined) {
    this.#salt = responseId || randomUUID();
  }

  idFor(part: GeminiPart, candidate: number, ordinal: number): string {
    const own = optionalId(part.functionCall?.id);
    if (own) return own;
    const digest = createHash('sha256').update(`${this.#salt}:${candidate}:${ordinal}:${part.functionCall?.name ?? ''}`).digest('hex');
    return `call_${digest.slice(0, 24)}`;
  }
}

/** Throws UndeliverableAnswerError for a call without a name or with arguments nested too deep. */
export function toToolCall(part: GeminiPart, id: string): GeminiToolCall {
  const call: GeminiToolCall = {
    id,
    type: 'function',
    function: { name: toolName(part.functionCall?.name), arguments: argumentsJson(part.functionCall?.args) },
  };
  if (typeof part.thoughtSignature === 'string' && part.thoughtSignature) call.extra_content = { google: { thought_signature: part.thoughtSignature } };
  return call;
}
