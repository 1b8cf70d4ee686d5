// OpenAI-family adapter (OpenAI, OpenRouter, any OpenAI-compatible host) on the official SDK.
// The canonical format is OpenAI's, so requests pass through with only the model replaced.
import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest } from '../canonical/chat-types.ts';
import type { ProviderConfig } from '../config/gateway-config.ts';
import type { ChatProvider, ProviderCall } from './chat-provider.ts';
import { createPooledFetch, type FetchLike } from './pooled-fetch.ts';
import { mapOpenAIError } from './map-openai-error.ts';
import { abortedError } from './provider-error.ts';

export class OpenAIProvider implements ChatProvider {
  readonly type = 'openai' as const;
  readonly name: string;
  readonly #client: OpenAI;

  constructor(config: ProviderConfig, fetchImpl: FetchLike = createPooledFetch()) {
    this.name = config.name;
    this.#client = new OpenAI({
      // Keyless OpenAI-compatible hosts (vLLM, LM Studio) still need a non-empty string here.
      apiKey: config.apiKey ?? 'not-needed',
      baseURL: config.baseURL,
      defaultHeaders: config.headers,
      fetch: fetchImpl as never,
      // Retries and deadlines are the router's: a retry here would hide a failing target from its breaker.
      maxRetries: 0,
      timeout: 24 * 60 * 60 * 1000,
    });
  }

  async complete({ model, request, signal }: ProviderCall): Promise<ChatCompletion> {
    try {
      const body = { ...request, model, stream: false } as OpenAI.ChatCompletionCreateParamsNonStreaming;
      const completion = (await this.#client.chat.completions.create(body, { signal })) as unknown as ChatCompletion;
      return completion;
    } catch (error) {
      throw mapOpenAIError(this.name, error, signal);
    }
  }

  async stream({ model, request, signal }: ProviderCall): Promise<AsyncIterable<ChatCompletionChunk>> {
    const body = toStreamBody(request, model);
    let upstream: AsyncIterable<unknown>;
    try {
      upstream = await this.#client.chat.completions.create(body, { signal });
    } catch (error) {
      throw mapOpenAIError(this.name, error, signal);
    }
    return mapStreamErrors(this.name, upstream as AsyncIterable<ChatCompletionChunk>, signal);
  }
}

/** Usage is always requested upstream so every streamed request can be costed; the HTTP layer strips it for clients that did not ask. */
export function toStreamBody(request: ChatRequest, model: string): OpenAI.ChatCompletionCreateParamsStreaming {
  return {
    ...request,
    model,
    stream: true,
    stream_options: { ...(request.stream_options ?? {}), include_usage: true },
  } as OpenAI.ChatCompletionCreateParamsStreaming;
}

async function* mapStreamErrors(
  provider: string,
  upstream: AsyncIterable<ChatCompletionChunk>,
  signal: AbortSignal,
): AsyncGenerator<ChatCompletionChunk> {
  try {
    yield* upstream;
  } catch (error) {
    throw mapOpenAIError(provider, error, signal, true);
  }
  // The SDK ends its iterator quietly when the signal aborts; that is not a finished answer.
  const aborted = abortedError(provider, signal, signal.reason);
  if (aborted) throw aborted;
}
