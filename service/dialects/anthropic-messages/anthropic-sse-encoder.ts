// Canonical chunks → Anthropic Messages SSE: message_start, then per block content_block_start /
// content_block_delta (text_delta, thinking_delta, input_json_delta) / content_block_stop, then
// message_delta (stop reason, cumulative usage) and message_stop. The walk holds the stream until
// the first content, so message_start here is never sent for a target that failed over.
import type { ChatCompletionChunk, FinishReason, Usage } from '../../canonical/chat-types.ts';
import { mapFinishToStopReason, messageId, toAnthropicUsage } from './to-anthropic-message.ts';

type OpenBlock = { kind: 'text' | 'thinking'; index: number } | { kind: 'tool'; index: number; toolIndex: number };

export function sseFrame(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class AnthropicSseEncoder {
  readonly #model: string;
  readonly #inputTokens: () => number;
  #started = false;
  #blocks = 0;
  #open: OpenBlock | undefined;
  /** Canonical tool-call index → whether its block was opened (a late delta for a closed one is dropped). */
  readonly #toolsSeen = new Set<number>();
  #finish: FinishReason | null = null;
  #usage: Usage | null = null;

  /** `model` is the client's; `inputTokens` estimates the prompt for message_start, before the upstream reports it. */
  constructor(model: string, inputTokens: () => number) {
    this.#model = model;
    this.#inputTokens = inputTokens;
  }

  push(chunk: ChatCompletionChunk): string[] {
    const out: string[] = [];
    if (chunk.usage) this.#usage = chunk.usage;
    const choice = chunk.choices?.[0];
    const delta = choice?.delta;
    if (choice?.finish_reason) this.#finish = choice.finish_reason;
    if (!delta) return out;
    const reasoning = delta.reasoning_content ?? (typeof delta.reasoning === 'string' ? delta.reasoning : undefined);
    if (reasoning) out.push(...this.#delta(chunk, 'thinking', { type: 'thinking_delta', thinking: reasoning }));
    if (delta.content) out.push(...this.#delta(chunk, 'text', { type: 'text_delta', text: delta.content }));
    if (delta.refusal) out.push(...this.#delta(chunk, 'text', { type: 'text_delta', text: delta.refusal }));
    for (const call of delta.tool_calls ?? []) out.push(...this.#toolDelta(chunk, call));
    return out;
  }

  /** Closes the message: the open block, message_delta with the stop reason and usage (`fallbackUsage` when the upstream reported none), message_stop. */
  finish(fallbackUsage: Usage | null = null): string[] {
    const out = this.#start({ id: '' });
    out.push(...this.#close());
    const usage = toAnthropicUsage(this.#usage ?? fallbackUsage);
    out.push(sseFrame('message_delta', { type: 'message_delta', delta: { stop_reason: mapFinishToStopReason(this.#finish), stop_sequence: null }, usage }));
    out.push(sseFrame('message_stop', { type: 'message_stop' }));
    return out;
  }

  /** A failure after content: Anthropic's in-stream error event, after which the stream ends. */
  fail(type: string, message: string): string[] {
    return [sseFrame('error', { type: 'error', error: { type, message } })];
  }

  #start(chunk: { id?: string }): string[] {
    if (this.#started) return [];
    this.#started = true;
    const usage = { input_tokens: this.#inputTokens(), output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
    const message = { id: messageId(chunk.id), type: 'message', role: 'assistant', model: this.#model, content: [], stop_reason: null, stop_sequence: null, usage };
    return [sseFrame('message_start', { type: 'message_start', message })];
  }

  #delta(chunk: ChatCompletionChunk, kind: 'text' | 'thinking', delta: Record<string, string>): string[] {
    const out = this.#start(chunk);
    if (this.#open?.kind !== kind) {
      out.push(...this.#close());
      const index = this.#blocks++;
      this.#open = { kind, index };
      const block = kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' };
      out.push(sseFrame('content_block_start', { type: 'content_block_start', index, content_block: block }));
    }
    out.push(sseFrame('content_block_delta', { type: 'content_block_delta', index: this.#open.index, delta }));
    return out;
  }

  #toolDelta(chunk: ChatCompletionChunk, call: NonNullable<ChatCompletionChunk['choices'][number]['delta']['tool_calls']>[number]): string[] {
    const out = this.#start(chunk);
    const open = this.#open;
    if (!(open?.kind === 'tool' && open.toolIndex === call.index)) {
      // Only a new call opens a block; arguments for one already closed cannot be placed any more.
      if (this.#toolsSeen.has(call.index)) return out;
      this.#toolsSeen.add(call.index);
      out.push(...this.#close());
      const index = this.#blocks++;
      this.#open = { kind: 'tool', index, toolIndex: call.index };
      const id = call.id || `toolu_${messageId(chunk.id).slice(4)}_${call.index}`;
      out.push(sseFrame('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id, name: call.function?.name ?? '', input: {} } }));
    }
    const args = call.function?.arguments;
    if (args) out.push(sseFrame('content_block_delta', { type: 'content_block_delta', index: this.#open!.index, delta: { type: 'input_json_delta', partial_json: args } }));
    return out;
  }

  #close(): string[] {
    if (!this.#open) return [];
    const frame = sseFrame('content_block_stop', { type: 'content_block_stop', index: this.#open.index });
    this.#open = undefined;
    return [frame];
  }
}
