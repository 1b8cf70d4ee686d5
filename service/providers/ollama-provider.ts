// Ollama adapter on the official `ollama` client, talking to /api/chat and /api/tags.
// Translation lives in ./ollama/*; this file wires it to the SDK, the pooled fetch and the abort signal.
import { randomUUID } from 'node:crypto';
// The browser entry is the same client minus one Node behaviour: `ollama`'s Node entry reads an
// image string from disk when a file of that name exists, so a client-sent "base64" such as
// "/etc/passwd" would be read and uploaded. Images here are always inline base64.
import { Ollama, type AbortableAsyncIterator, type ChatResponse } from 'ollama/browser';
import type { ChatCompletion, ChatCompletionChunk } from '../canonical/chat-types.ts';
import type { ProviderConfig } from '../config/gateway-config.ts';
import type { ChatProvider, ProviderCall, TargetCapabilities } from './chat-provider.ts';
import { createPooledFetch, type FetchLike } from './pooled-fetch.ts';
import { ProviderError } from './provider-error.ts';
import { convertToOllamaChatRequest, type OllamaChatBody, type OllamaDefaults } from './ollama/convert-to-ollama-chat-request.ts';
import { convertOllamaResponse } from './ollama/convert-ollama-response.ts';
import { translateOllamaStream } from './ollama/ollama-stream-translator.ts';
import { errorText, mapOllamaError } from './ollama/map-ollama-error.ts';
import { capabilitiesFromShow, modelNamesFromTags } from './ollama/ollama-capabilities.ts';
import { isOllamaWireError, type OllamaWireChatResponse } from './ollama/ollama-chat-wire.ts';

export const OLLAMA_DEFAULT_HOST = 'http://127.0.0.1:11434';

/** One client per call: what the SDK needs to honour the call's signal and keep error headers. */
interface CallClient {
  client: Ollama;
  /** Headers of the last non-2xx response (the SDK's ResponseError drops them; retry-after lives there). */
  errorHeaders(): Headers | undefined;
}

export class OllamaProvider implements ChatProvider {
  readonly type = 'ollama' as const;
  readonly name: string;
  readonly #host: string;
  readonly #headers: Record<string, string>;
  readonly #fetch: FetchLike;
  readonly #defaults: OllamaDefaults;

  constructor(config: ProviderConfig, fetchImpl: FetchLike = createPooledFetch({ provider: config.name })) {
    this.name = config.name;
    this.#host = config.baseURL || OLLAMA_DEFAULT_HOST;
    // A keyed Ollama (ollama.com, or one behind an authenticating proxy) takes a bearer token.
    this.#headers = { ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}), ...config.headers };
    this.#fetch = fetchImpl;
    this.#defaults = defaultsFrom(config.options);
  }

  async complete({ model, request, signal }: ProviderCall): Promise<ChatCompletion> {
    const { client, errorHeaders } = this.#clientFor(signal);
    try {
      const body = this.#body(request, model);
      const response = (await client.chat({ ...body, stream: false })) as unknown as OllamaWireChatResponse;
      if (isOllamaWireError(response)) {
        throw new ProviderError({ provider: this.name, kind: 'invalid-response', message: errorText(response.error) });
      }
      return convertOllamaResponse(response, { id: completionId(), model });
    } catch (error) {
      throw mapOllamaError(this.name, error, signal, { headers: errorHeaders() });
    }
  }

  async stream({ model, request, signal }: ProviderCall): Promise<AsyncIterable<ChatCompletionChunk>> {
    const { client, errorHeaders } = this.#clientFor(signal);
    let upstream: AbortableAsyncIterator<ChatResponse>;
    try {
      upstream = await client.chat({ ...this.#body(request, model), stream: true });
    } catch (error) {
      throw mapOllamaError(this.name, error, signal, { headers: errorHeaders() });
    }
    return this.#chunks(upstream, model, signal);
  }

  /** Installed models (GET /api/tags), e.g. to check a chain's `ollama/<model>` targets exist. */
  async listModels(signal: AbortSignal): Promise<string[]> {
    const { client, errorHeaders } = this.#clientFor(signal);
    try {
      return modelNamesFromTags(await client.list());
    } catch (error) {
      throw mapOllamaError(this.name, error, signal, { headers: errorHeaders() });
    }
  }

  /** What one model can do (POST /api/show): tools, vision, context window. */
  async modelCapabilities(model: string, signal: AbortSignal): Promise<TargetCapabilities> {
    const { client, errorHeaders } = this.#clientFor(signal);
    try {
      return capabilitiesFromShow(await client.show({ model }));
    } catch (error) {
      throw mapOllamaError(this.name, error, signal, { headers: errorHeaders() });
    }
  }

  #body(request: ProviderCall['request'], model: string): OllamaChatBody {
    return convertToOllamaChatRequest(request, model, this.#defaults);
  }

  async *#chunks(upstream: AbortableAsyncIterator<ChatResponse>, model: string, signal: AbortSignal): AsyncGenerator<ChatCompletionChunk> {
    let finished = false;
    try {
      yield* translateOllamaStream(upstream as unknown as AsyncIterable<OllamaWireChatResponse>, { provider: this.name, id: completionId(), model });
      finished = true;
    } catch (error) {
      throw mapOllamaError(this.name, error, signal, { inStream: true });
    } finally {
      // A reader that stops early (client gone, failure) must not leave the HTTP request running.
      if (!finished) upstream.abort();
    }
  }

  /**
   * The SDK takes no signal: non-streamed calls have none at all, streamed ones only abort()
   * on the returned iterator. A per-call client whose fetch joins the call's signal makes
   * every request, and every body read, stop when the router aborts.
   */
  #clientFor(signal: AbortSignal): CallClient {
    let headers: Headers | undefined;
    const pooled = this.#fetch;
    const fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
      const joined = init.signal ? AbortSignal.any([init.signal, signal]) : signal;
      const response = await pooled(input, { ...init, signal: joined });
      if (!response.ok) headers = response.headers;
      return response;
    };
    const client = new Ollama({ host: this.#host, fetch: fetch as typeof globalThis.fetch, headers: this.#headers });
    return { client, errorHeaders: () => headers };
  }
}

/** ROUTER_CONFIG `options`: keep_alive is a request field; everything else becomes default Ollama options (num_ctx, …). */
function defaultsFrom(options: Record<string, unknown>): OllamaDefaults {
  const { keep_alive, ...rest } = options ?? {};
  const defaults: OllamaDefaults = {};
  if (typeof keep_alive === 'string' || typeof keep_alive === 'number') defaults.keep_alive = keep_alive;
  if (Object.keys(rest).length) defaults.options = rest;
  return defaults;
}

function completionId(): string {
  return `chatcmpl-${randomUUID().replaceAll('-', '')}`;
}
