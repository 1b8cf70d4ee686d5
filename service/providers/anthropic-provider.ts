// Anthropic adapter on the official SDK: translation lives in ./anthropic/, this file wires it to the client.
import type Anthropic from '@anthropic-ai/sdk';
import { loadAnthropicSdk } from './anthropic/anthropic-sdk.ts';
import type { ChatCompletion, ChatCompletionChunk } from '../canonical/chat-types.ts';
import type { ProviderConfig } from '../config/gateway-config.ts';
import type { ChatProvider, MessagesPassThrough, PassThroughAnswer, PassThroughCall, ProviderCall } from './chat-provider.ts';
import { anthropicPassThrough, type PassThroughTarget } from './anthropic/anthropic-pass-through.ts';
import { createPooledFetch, type FetchLike } from './pooled-fetch.ts';
import { ProviderError, abortedError } from './provider-error.ts';
import { AnthropicStreamTranslator, type AnthropicStreamEvent } from './anthropic/anthropic-stream-translator.ts';
import { mapAnthropicError } from './anthropic/map-anthropic-error.ts';
import { toAnthropicRequest, type AnthropicRequestOptions } from './anthropic/to-anthropic-request.ts';
import { toChatCompletion } from './anthropic/to-chat-completion.ts';

export class AnthropicProvider implements ChatProvider, MessagesPassThrough {
  readonly type = 'anthropic' as const;
  readonly name: string;
  readonly #config: ProviderConfig;
  readonly #fetch: FetchLike;
  #client: Anthropic | undefined;
  readonly #options: AnthropicRequestOptions;
  readonly #raw: PassThroughTarget;

  constructor(config: ProviderConfig, fetchImpl: FetchLike = createPooledFetch({ provider: config.name })) {
    this.name = config.name;
    this.#options = { defaultMaxTokens: positiveInt(config.options.defaultMaxTokens) };
    this.#raw = { provider: config.name, baseURL: config.baseURL ?? 'https://api.anthropic.com', apiKey: config.apiKey, headers: config.headers, fetch: fetchImpl };
    this.#config = config;
    this.#fetch = fetchImpl;
  }

  /** The SDK client, made on the first call (see anthropic-sdk.ts). */
  async #sdkClient(): Promise<Anthropic> {
    if (this.#client) return this.#client;
    const { default: Sdk } = await loadAnthropicSdk();
    const config = this.#config;
    this.#client ??= new Sdk({
      // Both given explicitly so the SDK reads neither ANTHROPIC_* variables nor credential files itself.
      apiKey: config.apiKey ?? 'not-needed',
      baseURL: config.baseURL ?? 'https://api.anthropic.com',
      defaultHeaders: config.headers,
      fetch: this.#fetch as never,
      // Retries and deadlines are the router's: a retry here would hide a failing target from its breaker.
      maxRetries: 0,
      timeout: 24 * 60 * 60 * 1000,
    });
    return this.#client;
  }

  async complete({ model, request, signal }: ProviderCall): Promise<ChatCompletion> {
    const body = toAnthropicRequest(request, model, this.#options);
    let message: Anthropic.Message;
    try {
      message = await (await this.#sdkClient()).messages.create(body as Anthropic.MessageCreateParamsNonStreaming, { signal });
    } catch (error) {
      throw mapAnthropicError(this.name, error, signal);
    }
    if (!message || !Array.isArray(message.content)) {
      throw new ProviderError({ provider: this.name, kind: 'invalid-response', message: 'upstream answered without a message content array' });
    }
    try {
      return toChatCompletion(message, undefined, model);
    } catch (error) {
      throw mapAnthropicError(this.name, error, signal);
    }
  }

  /** The Messages dialect's verbatim call: the client's body and beta headers, the gateway's key. */
  passThrough(call: PassThroughCall): Promise<PassThroughAnswer> {
    return anthropicPassThrough(this.#raw, call);
  }

  async stream({ model, request, signal }: ProviderCall): Promise<AsyncIterable<ChatCompletionChunk>> {
    const body = { ...toAnthropicRequest(request, model, this.#options), stream: true } as Anthropic.MessageCreateParamsStreaming;
    let upstream: AsyncIterable<AnthropicStreamEvent>;
    try {
      // Resolves once the response headers are in: HTTP errors reject here, before any chunk.
      upstream = await (await this.#sdkClient()).messages.create(body, { signal });
    } catch (error) {
      throw mapAnthropicError(this.name, error, signal);
    }
    return translateStream(this.name, model, upstream, signal);
  }
}

async function* translateStream(
  provider: string,
  model: string,
  upstream: AsyncIterable<AnthropicStreamEvent>,
  signal: AbortSignal,
): AsyncGenerator<ChatCompletionChunk> {
  const translator = new AnthropicStreamTranslator(provider, model);
  try {
    for await (const event of upstream) yield* translator.push(event);
  } catch (error) {
    throw mapAnthropicError(provider, error, signal, true);
  }
  if (translator.complete) return;
  // The SDK ends its iterator quietly when the signal aborts; that is not a finished answer.
  const aborted = abortedError(provider, signal, signal.reason);
  if (aborted) throw aborted;
  translator.end();
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
