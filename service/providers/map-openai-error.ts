// OpenAI SDK errors → ProviderError.
import OpenAI from 'openai';
import { ProviderError, abortedError, parseRetryAfter } from './provider-error.ts';

interface UpstreamErrorBody {
  message?: unknown;
  type?: unknown;
  code?: unknown;
  param?: unknown;
  metadata?: unknown;
}

export function mapOpenAIError(provider: string, error: unknown, signal: AbortSignal, inStream = false): ProviderError {
  if (error instanceof ProviderError) return error;
  const aborted = abortedError(provider, signal, error);
  if (aborted) return aborted;
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new ProviderError({ provider, kind: 'timeout', message: 'upstream timed out', cause: error });
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new ProviderError({ provider, kind: 'network', message: connectionMessage(error), cause: error });
  }
  if (error instanceof OpenAI.APIError) {
    const body = (error.error ?? {}) as UpstreamErrorBody;
    const message = typeof body.message === 'string' && body.message ? body.message : error.message;
    const common = {
      provider,
      message,
      type: typeof body.type === 'string' ? body.type : undefined,
      code: typeof body.code === 'string' || typeof body.code === 'number' ? body.code : undefined,
      param: typeof body.param === 'string' ? body.param : undefined,
      metadata: body.metadata,
      cause: error,
    };
    if (error.status === undefined) {
      // An error object inside a 200 stream (OpenAI's server_error event, OpenRouter's mid-stream error).
      return new ProviderError({ ...common, kind: 'stream', retryable: true });
    }
    return new ProviderError({ ...common, kind: 'http', status: error.status, retryAfterMs: retryAfterOf(error.headers) });
  }
  if (error instanceof SyntaxError) {
    return new ProviderError({ provider, kind: 'invalid-response', message: `upstream sent malformed JSON: ${error.message}`, cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError({ provider, kind: inStream ? 'stream' : 'network', message, cause: error });
}

/** retry-after-ms, Retry-After, or OpenRouter's X-RateLimit-Reset (epoch milliseconds). */
export function retryAfterOf(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const retryAfter = parseRetryAfter(headers.get('retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  const reset = Number(headers.get('x-ratelimit-reset'));
  // Only an absolute epoch in the near future is a reset time; OpenAI's own x-ratelimit-reset-* are durations.
  if (Number.isFinite(reset) && reset > now && reset - now < 3_600_000) return reset - now;
  return undefined;
}

function connectionMessage(error: Error): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `connection failed: ${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return error.message || 'connection failed';
}
