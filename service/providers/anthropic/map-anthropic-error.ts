// Anthropic SDK errors (and `event: error` inside a 200 stream) → ProviderError.
import type { APIError } from '@anthropic-ai/sdk';
import { loadedAnthropicSdk } from './anthropic-sdk.ts';
import { ProviderError, abortedError, parseRetryAfter } from '../provider-error.ts';
import { summariseErrorBody } from '../secret-redaction.ts';
import { UndeliverableAnswerError } from '../answer-shape.ts';

type AnthropicSdk = typeof import('@anthropic-ai/sdk');

interface AnthropicErrorBody {
  type?: unknown;
  error?: { type?: unknown; message?: unknown; details?: unknown };
  request_id?: unknown;
}

/** Error types inside a stream that say the service, not the request, failed. */
const RETRYABLE_STREAM_TYPES = new Set(['overloaded_error', 'api_error', 'rate_limit_error', 'timeout_error']);

export function mapAnthropicError(provider: string, error: unknown, signal: AbortSignal, inStream = false): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof UndeliverableAnswerError) return error.toProviderError(provider);
  const aborted = abortedError(provider, signal, error);
  if (aborted) return aborted;
  const sdk = loadedAnthropicSdk();
  if (sdk) {
    const mapped = fromSdkError(provider, error, inStream, sdk);
    if (mapped) return mapped;
  }
  if (error instanceof SyntaxError) {
    return new ProviderError({ provider, kind: 'invalid-response', message: `upstream sent malformed JSON: ${error.message}`, cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError({ provider, kind: inStream ? 'stream' : 'network', message, cause: error });
}

/** The SDK's own error classes; undefined for anything else. */
function fromSdkError(provider: string, error: unknown, inStream: boolean, sdk: AnthropicSdk): ProviderError | undefined {
  if (error instanceof sdk.APIConnectionTimeoutError) {
    return new ProviderError({ provider, kind: 'timeout', message: 'upstream timed out', cause: error });
  }
  if (error instanceof sdk.APIConnectionError) {
    // The SDK wraps whatever its fetch threw; the pooled fetch's size limits throw a ProviderError.
    if (error.cause instanceof ProviderError) return error.cause;
    return new ProviderError({ provider, kind: inStream ? 'stream' : 'network', message: connectionMessage(error), cause: error });
  }
  if (error instanceof sdk.APIError) {
    const body = (error.error ?? {}) as AnthropicErrorBody;
    // The SDK raises an in-stream `event: error` as an APIError without a status.
    if (error.status === undefined) return anthropicStreamError(provider, body, error);
    const headers = error.headers;
    const shouldRetry = headers?.get('x-should-retry');
    const retryAfterMs = headers?.get('retry-after-ms');
    return new ProviderError({
      provider,
      kind: 'http',
      status: error.status,
      message: error.apiMessage ?? stringOr(body.error?.message, undefined) ?? plainBodyMessage(error),
      type: error.type ?? stringOr(body.error?.type, undefined),
      code: error.errorCode ?? undefined,
      // Anthropic says per response whether a retry can help; without it the status decides (529 → yes).
      retryable: shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : undefined,
      retryAfterMs: retryAfterMs ? Number(retryAfterMs) : parseRetryAfter(headers?.get('retry-after')),
      metadata: detail(error.requestID ?? body.request_id, error.details),
      cause: error,
    });
  }
  return undefined;
}

/** An `error` event's body (`{"type":"error","error":{"type","message"}}`) as a stream failure. */
export function anthropicStreamError(provider: string, body: unknown, cause?: unknown): ProviderError {
  const error = ((body ?? {}) as AnthropicErrorBody).error ?? {};
  const type = stringOr(error.type, undefined);
  return new ProviderError({
    provider,
    kind: 'stream',
    message: `${type ?? 'error'}: ${stringOr(error.message, 'upstream reported an error mid-stream')}`,
    type,
    retryable: type === undefined || RETRYABLE_STREAM_TYPES.has(type),
    metadata: detail((body as AnthropicErrorBody | undefined)?.request_id, error.details),
    cause,
  });
}

/** A body that was not Anthropic's JSON (a proxy's HTML page): the SDK put its text after the status. */
function plainBodyMessage(error: APIError): string {
  const text = error.error === undefined ? error.message.replace(/^\d{3} /, '') : JSON.stringify(error.error);
  return summariseErrorBody(text ?? '', error.headers?.get('content-type') ?? undefined);
}

function detail(requestId: unknown, details: unknown): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if (typeof requestId === 'string' && requestId) out.request_id = requestId;
  if (details) out.details = details;
  return Object.keys(out).length > 0 ? out : undefined;
}

function stringOr<T>(value: unknown, fallback: T): string | T {
  return typeof value === 'string' && value ? value : fallback;
}

function connectionMessage(error: Error): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `connection failed: ${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return error.message || 'connection failed';
}
