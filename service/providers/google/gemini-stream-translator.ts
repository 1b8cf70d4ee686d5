// streamGenerateContent responses (one GenerateContentResponse per SSE event) → OpenAI chunks:
// a role chunk first, then reasoning / text / tool-call deltas, a finish chunk per candidate,
// and a last `choices: []` chunk carrying usage (Gemini repeats usage on every event; the
// last one is final).
import { randomUUID } from 'node:crypto';
import type { ChatCompletionChunk, ChunkDelta, FinishReason, ToolCallDelta } from '../../canonical/chat-types.ts';
import { ProviderError } from '../provider-error.ts';
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiUsageMetadata } from './gemini-api-types.ts';
import { ToolCallIds, toToolCall, type GoogleToolCallExtra } from './convert-gemini-function-call.ts';
import { convertGeminiUsage } from './convert-gemini-usage.ts';
import { mapGoogleFinishReason } from './map-google-finish-reason.ts';
import { mapGoogleStreamError } from './map-google-error.ts';
import { stringOr } from '../answer-shape.ts';

interface CandidateState {
  toolCalls: number;
  finish: FinishReason | null;
}

export interface StreamTranslatorOptions {
  provider: string;
  model: string;
  now?: () => number;
}

export class GeminiStreamTranslator {
  readonly #options: StreamTranslatorOptions;
  readonly #created: number;
  readonly #candidates = new Map<number, CandidateState>();
  #id: string | undefined;
  #model: string | undefined;
  #ids: ToolCallIds | undefined;
  #usage: GeminiUsageMetadata | undefined;
  #blocked = false;

  constructor(options: StreamTranslatorOptions) {
    this.#options = options;
    this.#created = Math.floor((options.now?.() ?? Date.now()) / 1000);
  }

  /** The chunks one streamed response yields. Throws ProviderError for an error event. */
  push(response: GeminiGenerateContentResponse): ChatCompletionChunk[] {
    if (!response || typeof response !== 'object') return [];
    if (response.error) throw mapGoogleStreamError(this.#options.provider, response.error);
    this.#id ??= `chatcmpl-${stringOr(response.responseId, randomUUID())}`;
    this.#model ??= stringOr(response.modelVersion, this.#options.model);
    this.#ids ??= new ToolCallIds(typeof response.responseId === 'string' ? response.responseId : undefined);
    if (response.usageMetadata && typeof response.usageMetadata === 'object') this.#usage = response.usageMetadata;

    const out: ChatCompletionChunk[] = [];
    const candidates = Array.isArray(response.candidates) ? response.candidates.filter((c) => c && typeof c === 'object') : [];
    if (candidates.length === 0 && response.promptFeedback?.blockReason && !this.#blocked) {
      // The prompt was blocked before any candidate: say so the way OpenAI does, with content_filter.
      this.#blocked = true;
      out.push(this.#chunk(0, { role: 'assistant', content: '' }));
      out.push(this.#chunk(0, {}, 'content_filter'));
    }
    for (const [position, candidate] of candidates.entries()) this.#candidate(candidate, Number.isInteger(candidate.index) ? candidate.index! : position, out);
    return out;
  }

  /** The closing chunks once the upstream stream ended. Throws when it ended before finishing. */
  end(): ChatCompletionChunk[] {
    const unfinished = [...this.#candidates.values()].some((c) => c.finish === null);
    if (!this.#blocked && (this.#candidates.size === 0 || unfinished)) {
      throw new ProviderError({
        provider: this.#options.provider,
        kind: 'stream',
        message: this.#candidates.size === 0 ? 'Gemini stream ended without any candidate' : 'Gemini stream ended before a finish reason (cut short)',
      });
    }
    const usage = convertGeminiUsage(this.#usage);
    return usage ? [{ ...this.#base(), choices: [], usage }] : [];
  }

  #candidate(candidate: GeminiCandidate, index: number, out: ChatCompletionChunk[]): void {
    let state = this.#candidates.get(index);
    if (!state) {
      state = { toolCalls: 0, finish: null };
      this.#candidates.set(index, state);
      out.push(this.#chunk(index, { role: 'assistant', content: '' }));
    }
    if (state.finish !== null) return;
    let text = '';
    let reasoning = '';
    const calls: ToolCallDelta[] = [];
    for (const part of Array.isArray(candidate.content?.parts) ? candidate.content.parts : []) {
      if (!part || typeof part !== 'object') continue;
      if (part.functionCall) {
        // Gemini sends each call whole, so each delta carries id, name and complete arguments.
        const call = toToolCall(part, this.#ids!.idFor(part, index, state.toolCalls));
        const delta: ToolCallDelta & GoogleToolCallExtra = { index: state.toolCalls++, ...call };
        calls.push(delta);
      } else if (typeof part.text === 'string') {
        if (part.thought) reasoning += part.text;
        else text += part.text;
      }
    }
    if (reasoning) out.push(this.#chunk(index, { reasoning_content: reasoning }));
    if (text) out.push(this.#chunk(index, { content: text }));
    if (calls.length) out.push(this.#chunk(index, { tool_calls: calls }));
    const finish = mapGoogleFinishReason(candidate.finishReason, state.toolCalls > 0);
    if (finish) {
      state.finish = finish;
      out.push(this.#chunk(index, {}, finish));
    }
  }

  #base(): Pick<ChatCompletionChunk, 'id' | 'object' | 'created' | 'model'> {
    return { id: this.#id ?? `chatcmpl-${randomUUID()}`, object: 'chat.completion.chunk', created: this.#created, model: this.#model ?? this.#options.model };
  }

  #chunk(index: number, delta: ChunkDelta, finish: FinishReason | null = null): ChatCompletionChunk {
    return { ...this.#base(), choices: [{ index, delta, finish_reason: finish, logprobs: null }] };
  }
}
