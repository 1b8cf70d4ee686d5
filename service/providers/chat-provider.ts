// The contract every provider adapter fulfils: canonical request in, canonical answer out.
import type { ChatCompletion, ChatCompletionChunk, ChatRequest } from '../canonical/chat-types.ts';

export type ProviderType = 'openai' | 'anthropic' | 'google' | 'ollama' | 'cli';

export interface ProviderCall {
  /** The model id at this provider (the part of the target after the first '/'). */
  model: string;
  request: ChatRequest;
  /** Aborted when the client goes away or the attempt deadline passes; reaches the SDK call. */
  signal: AbortSignal;
}

export interface ChatProvider {
  readonly name: string;
  readonly type: ProviderType;
  /** Non-streamed completion. Rejects with ProviderError. */
  complete(call: ProviderCall): Promise<ChatCompletion>;
  /**
   * Streamed completion. Resolves once the upstream accepted the request (HTTP errors reject here);
   * iterating yields canonical chunks and throws ProviderError on a failure inside the stream.
   * The last chunk carries `usage` when the upstream reported it.
   */
  stream(call: ProviderCall): Promise<AsyncIterable<ChatCompletionChunk>>;
}

/** What a target can do; the router consults it when planning a chain. */
export interface TargetCapabilities {
  tools: boolean;
  streaming: boolean;
  images: boolean;
  contextWindow?: number;
}

export const DEFAULT_CAPABILITIES: TargetCapabilities = { tools: true, streaming: true, images: true };

/** A request in Anthropic's own Messages format, sent as the client wrote it (only the model is the target's). */
export interface PassThroughCall {
  endpoint: 'messages' | 'count_tokens';
  /** The client's `?beta=true` (the Anthropic SDK's beta client and Claude Code add it), passed on. */
  betaQuery: boolean;
  /** The client's body; its `model` is replaced with `model`. */
  body: Record<string, unknown>;
  model: string;
  /** The client's anthropic-version and anthropic-beta, forwarded unchanged. */
  version: string | undefined;
  beta: string | undefined;
  signal: AbortSignal;
}

export interface PassThroughAnswer {
  status: number;
  headers: Record<string, string>;
  /** A plain answer whole (bounded like every answer), or an event stream as it arrives (bounded per line). */
  body: Uint8Array | ReadableStream<Uint8Array>;
}

/** An adapter whose upstream speaks Anthropic Messages natively, so that dialect can pass requests through verbatim. */
export interface MessagesPassThrough {
  /** Resolves with a 2xx answer; any other status rejects with a ProviderError, as complete() would. */
  passThrough(call: PassThroughCall): Promise<PassThroughAnswer>;
}

export function passesThroughMessages(adapter: ChatProvider): adapter is ChatProvider & MessagesPassThrough {
  return typeof (adapter as Partial<MessagesPassThrough>).passThrough === 'function';
}
