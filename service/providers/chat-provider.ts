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
