// Anthropic's raw stream events → OpenAI chat.completion.chunk objects, one event at a time.
import type Anthropic from '@anthropic-ai/sdk';
import type { ChatCompletionChunk, ChunkDelta, FinishReason } from '../../canonical/chat-types.ts';
import { ProviderError } from '../provider-error.ts';
import { anthropicStreamError } from './map-anthropic-error.ts';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.ts';
import { mapAnthropicUsage, mergeAnthropicUsage, type AnthropicUsageLike } from './map-anthropic-usage.ts';
import { argumentsJson, assertDepth, optionalId, stringOr, textOf, toolName } from '../answer-shape.ts';

/** What the wire may carry: the SDK's typed events plus ping and error, which it normally filters. */
export type AnthropicStreamEvent = Anthropic.RawMessageStreamEvent | { type: 'ping' } | { type: 'error'; error?: unknown };

interface ToolBlock {
  index: number;
  /** Input given whole at block start (no input_json_delta follows), sent at block stop. */
  input: unknown;
  streamedArguments: boolean;
}

export class AnthropicStreamTranslator {
  readonly #provider: string;
  readonly #created: number;
  #id = '';
  #model: string;
  /** Anthropic content-block index → OpenAI tool_calls index (counted across tool blocks only). */
  readonly #tools = new Map<number, ToolBlock>();
  #usage: AnthropicUsageLike = {};
  #finishSent = false;
  #stopped = false;

  constructor(provider: string, model: string, created = Math.floor(Date.now() / 1000)) {
    this.#provider = provider;
    this.#model = model;
    this.#created = created;
  }

  /** True once message_stop arrived: a stream that ends before it was cut short. */
  get complete(): boolean {
    return this.#stopped;
  }

  /** Throws ProviderError for an error event, UndeliverableAnswerError for an event with the wrong shape. */
  push(event: AnthropicStreamEvent): ChatCompletionChunk[] {
    if (!event || typeof event !== 'object') return [];
    switch (event.type) {
      case 'message_start':
        if (!event.message || typeof event.message !== 'object') return [];
        this.#id = stringOr(event.message.id, `msg_${this.#created}`);
        this.#model = stringOr(event.message.model, this.#model);
        this.#usage = mergeAnthropicUsage(this.#usage, event.message.usage);
        return [this.#chunk({ role: 'assistant', content: '' })];
      case 'content_block_start':
        return this.#blockStart(event);
      case 'content_block_delta':
        return this.#blockDelta(event);
      case 'content_block_stop':
        return this.#blockStop(event.index);
      case 'message_delta': {
        this.#usage = mergeAnthropicUsage(this.#usage, event.usage);
        const finish = mapAnthropicFinishReason(typeof event.delta?.stop_reason === 'string' ? event.delta.stop_reason : null);
        if (!finish) return [];
        this.#finishSent = true;
        return [this.#chunk({}, finish)];
      }
      case 'message_stop': {
        this.#stopped = true;
        const out = this.#finishSent ? [] : [this.#chunk({}, 'stop')];
        this.#finishSent = true;
        const usage = mapAnthropicUsage(this.#usage);
        if (usage) out.push({ ...this.#base(), choices: [], usage });
        return out;
      }
      case 'error':
        throw anthropicStreamError(this.#provider, event);
      default:
        // ping, and event types newer than this adapter.
        return [];
    }
  }

  #blockStart(event: Anthropic.RawContentBlockStartEvent): ChatCompletionChunk[] {
    const block = event.content_block;
    if (!block || typeof block !== 'object') return [];
    switch (block.type) {
      case 'text': {
        const text = textOf(block.text, 'a text block');
        return text ? [this.#chunk({ content: text })] : [];
      }
      case 'thinking': {
        const thinking = textOf(block.thinking, 'a thinking block');
        return thinking ? [this.#chunk({ reasoning_content: thinking })] : [];
      }
      case 'tool_use': {
        const index = this.#tools.size;
        const name = toolName(block.name);
        // Checked here, not at block stop: the call must fail before its first chunk goes out, so the chain can move on.
        assertDepth(block.input, 'tool call arguments');
        this.#tools.set(event.index, { index, input: block.input, streamedArguments: false });
        const id = optionalId(block.id) ?? `toolu_${this.#id}_${index}`;
        return [this.#chunk({ tool_calls: [{ index, id, type: 'function', function: { name, arguments: '' } }] })];
      }
      default:
        return [];
    }
  }

  #blockDelta(event: Anthropic.RawContentBlockDeltaEvent): ChatCompletionChunk[] {
    const delta = event.delta;
    if (!delta || typeof delta !== 'object') return [];
    switch (delta.type) {
      case 'text_delta': {
        const text = textOf(delta.text, 'a text delta');
        return text ? [this.#chunk({ content: text })] : [];
      }
      case 'thinking_delta': {
        const thinking = textOf(delta.thinking, 'a thinking delta');
        return thinking ? [this.#chunk({ reasoning_content: thinking })] : [];
      }
      case 'input_json_delta': {
        const tool = this.#tools.get(event.index);
        const json = textOf(delta.partial_json, 'a tool input delta');
        if (!tool || !json) return [];
        tool.streamedArguments = true;
        return [this.#chunk({ tool_calls: [{ index: tool.index, function: { arguments: json } }] })];
      }
      default:
        // signature_delta (only needed to send thinking back, which we do not), citations_delta.
        return [];
    }
  }

  #blockStop(blockIndex: number): ChatCompletionChunk[] {
    const tool = this.#tools.get(blockIndex);
    if (!tool || tool.streamedArguments) return [];
    const input = tool.input;
    const hasInput = input && typeof input === 'object' && Object.keys(input).length > 0;
    const args = hasInput ? argumentsJson(input) : '{}';
    return [this.#chunk({ tool_calls: [{ index: tool.index, function: { arguments: args } }] })];
  }

  /** Throws when the stream ended without message_stop. */
  end(): void {
    if (!this.#stopped) {
      throw new ProviderError({ provider: this.#provider, kind: 'stream', message: 'upstream stream ended before message_stop' });
    }
  }

  #base(): { id: string; object: 'chat.completion.chunk'; created: number; model: string } {
    return { id: this.#id, object: 'chat.completion.chunk', created: this.#created, model: this.#model };
  }

  #chunk(delta: ChunkDelta, finish: FinishReason | null = null): ChatCompletionChunk {
    return { ...this.#base(), choices: [{ index: 0, delta, finish_reason: finish }] };
  }
}
