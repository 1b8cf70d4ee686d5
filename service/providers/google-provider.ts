// Gemini adapter on `@google/generative-ai`. Google has ended support for that package, so
// this is the only file that knows it: requests, responses, stream events and error bodies are
// translated in google/*.ts on the plain Gemini REST shapes that its successor `@google/genai`
// shares. Moving to the successor means rewriting this file alone.
import {
  GoogleGenerativeAI,
  GoogleGenerativeAIAbortError,
  GoogleGenerativeAIError,
  GoogleGenerativeAIFetchError,
  type GenerateContentRequest,
  type GenerativeModel,
  type RequestOptions,
} from '@google/generative-ai';
import type { ChatCompletion, ChatCompletionChunk } from '../canonical/chat-types.ts';
import type { ProviderConfig } from '../config/gateway-config.ts';
import type { ChatProvider, ProviderCall } from './chat-provider.ts';
import { ProviderError, abortedError } from './provider-error.ts';
import type { GeminiGenerateContentResponse } from './google/gemini-api-types.ts';
import { convertToGeminiRequest, type GeminiRequestOptions } from './google/convert-to-gemini-request.ts';
import { convertGeminiResponse } from './google/convert-gemini-response.ts';
import { GeminiStreamTranslator } from './google/gemini-stream-translator.ts';
import { mapGoogleHttpError } from './google/map-google-error.ts';
import { geminiModelPath } from './google/gemini-model-id.ts';
import { UndeliverableAnswerError } from './answer-shape.ts';
import { routeGeminiRequests } from './google/gemini-fetch.ts';
import { createPooledFetch } from './pooled-fetch.ts';
import { DEFAULT_UPSTREAM_LIMITS, type UpstreamLimits } from './openai/upstream-limits.ts';

/** Where @google/generative-ai sends requests when no base URL is configured. */
const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';

export class GoogleProvider implements ChatProvider {
  readonly type = 'google' as const;
  readonly name: string;
  readonly #client: GoogleGenerativeAI;
  readonly #requestOptions: RequestOptions;
  readonly #requestDefaults: GeminiRequestOptions;

  constructor(config: ProviderConfig, limits: UpstreamLimits = DEFAULT_UPSTREAM_LIMITS) {
    this.name = config.name;
    this.#client = new GoogleGenerativeAI(config.apiKey ?? '');
    // This SDK takes no fetch and has no retries of its own; it calls the global fetch once,
    // and deadlines are the router's, passed in as the call's signal (no SDK timeout).
    this.#requestOptions = { ...splitBaseURL(config.baseURL, config.options.apiVersion), customHeaders: config.headers };
    // ...so its requests are routed to the bounded pooled fetch by URL (see gemini-fetch.ts).
    routeGeminiRequests(`${this.#requestOptions.baseUrl ?? GEMINI_DEFAULT_BASE_URL}/`, createPooledFetch({ provider: config.name, ...limits, maxStreamBytes: limits.maxAnswerBytes }));
    this.#requestDefaults = { includeThoughts: config.options.includeThoughts === true };
  }

  async complete({ model, request, signal }: ProviderCall): Promise<ChatCompletion> {
    const body = convertToGeminiRequest(request, this.#requestDefaults);
    try {
      if (signal.aborted) throw signal.reason;
      const { response } = await this.#model(model).generateContent(body as GenerateContentRequest, { signal });
      return convertGeminiResponse(response as unknown as GeminiGenerateContentResponse, { model });
    } catch (error) {
      throw mapGoogleSdkError(this.name, error, signal);
    }
  }

  async stream({ model, request, signal }: ProviderCall): Promise<AsyncIterable<ChatCompletionChunk>> {
    const body = convertToGeminiRequest(request, this.#requestDefaults);
    let result: Awaited<ReturnType<GenerativeModel['generateContentStream']>>;
    try {
      if (signal.aborted) throw signal.reason;
      result = await this.#model(model).generateContentStream(body as GenerateContentRequest, { signal });
    } catch (error) {
      throw mapGoogleSdkError(this.name, error, signal);
    }
    // The SDK also aggregates the stream into `response`; unused here, and it would reject
    // unhandled when the stream breaks.
    result.response.catch(() => undefined);
    return translateStream(this.name, model, result.stream as AsyncIterable<unknown> as AsyncIterable<GeminiGenerateContentResponse>, signal);
  }

  #model(model: string): GenerativeModel {
    // The SDK puts the id into the URL path as it is, so it gets a checked and encoded path instead.
    return this.#client.getGenerativeModel({ model: geminiModelPath(this.name, model) }, this.#requestOptions);
  }
}

async function* translateStream(
  provider: string,
  model: string,
  upstream: AsyncIterable<GeminiGenerateContentResponse>,
  signal: AbortSignal,
): AsyncGenerator<ChatCompletionChunk> {
  const translator = new GeminiStreamTranslator({ provider, model });
  try {
    for await (const response of upstream) yield* translator.push(response);
    yield* translator.end();
  } catch (error) {
    throw mapGoogleSdkError(provider, error, signal, true);
  }
}

/** The SDK appends `/{apiVersion}/models/…` to its base URL: a base URL naming a version is split. */
export function splitBaseURL(baseURL: string | undefined, apiVersion: unknown): Pick<RequestOptions, 'baseUrl' | 'apiVersion'> {
  const out: Pick<RequestOptions, 'baseUrl' | 'apiVersion'> = {};
  if (typeof apiVersion === 'string' && apiVersion) out.apiVersion = apiVersion;
  if (!baseURL) return out;
  const trimmed = baseURL.replace(/\/+$/, '');
  const match = /^(.*)\/(v1(?:alpha|beta)?\d*)$/.exec(trimmed);
  if (match) {
    out.baseUrl = match[1];
    out.apiVersion ??= match[2];
  } else out.baseUrl = trimmed;
  return out;
}

/** Every error this SDK throws → ProviderError. */
export function mapGoogleSdkError(provider: string, error: unknown, signal: AbortSignal, inStream = false): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof UndeliverableAnswerError) return error.toProviderError(provider);
  const aborted = abortedError(provider, signal, error);
  if (aborted) return aborted;
  if (error instanceof GoogleGenerativeAIFetchError) {
    return mapGoogleHttpError(provider, { status: error.status ?? 0, message: upstreamMessage(error), details: error.errorDetails as never, cause: error });
  }
  if (error instanceof GoogleGenerativeAIAbortError) {
    return new ProviderError({ provider, kind: 'timeout', message: 'upstream request was aborted before it finished', cause: error });
  }
  if (error instanceof SyntaxError) {
    return new ProviderError({ provider, kind: 'invalid-response', message: `upstream sent malformed JSON: ${error.message}`, cause: error });
  }
  const message = error instanceof Error ? error.message.replace('[GoogleGenerativeAI Error]: ', '') : String(error);
  if (error instanceof GoogleGenerativeAIError) {
    if (/Error parsing JSON response|Failed to parse stream/.test(message)) {
      return new ProviderError({ provider, kind: 'invalid-response', message: `upstream sent a stream event that is not JSON: ${message}`, cause: error });
    }
    if (message.startsWith('Error reading from the stream')) {
      return new ProviderError({ provider, kind: 'stream', message: 'the upstream stream broke off', cause: error });
    }
    if (message.startsWith('Error fetching from')) {
      // The SDK drops fetch's cause (ECONNREFUSED, …); its message still names the URL.
      return new ProviderError({ provider, kind: 'network', message: `connection failed: ${message}`, cause: error });
    }
  }
  return new ProviderError({ provider, kind: inStream ? 'stream' : 'network', message, cause: error });
}

/**
 * The SDK keeps only `error.message` + details of Gemini's body, folded into its own message:
 * `Error fetching from <url>: [<status> <statusText>] <message> <details JSON>`. Undo that.
 */
function upstreamMessage(error: GoogleGenerativeAIFetchError): string {
  const marker = `[${error.status} ${error.statusText}] `;
  const at = error.message.indexOf(marker);
  let message = at === -1 ? error.message : error.message.slice(at + marker.length);
  if (error.errorDetails) {
    const suffix = ` ${JSON.stringify(error.errorDetails)}`;
    if (message.endsWith(suffix)) message = message.slice(0, -suffix.length);
  }
  return message.trim();
}
