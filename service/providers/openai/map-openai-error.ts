// An OpenAI-family upstream's failure (an error status, a broken connection, an error event
// inside a stream) → ProviderError, from the wire: status, headers and body text.
import { ProviderError, abortedError, parseRetryAfter } from '../provider-error.ts';

type HeaderRecord = Record<string, string | string[] | undefined>;

interface UpstreamErrorBody {
  message?: unknown;
  type?: unknown;
  code?: unknown;
  param?: unknown;
  metadata?: unknown;
}

/** An error status with its body (already read, and capped). */
export function errorFromStatus(provider: string, status: number, headers: HeaderRecord, bodyText: string): ProviderError {
  const body = errorBodyOf(bodyText);
  const message = body && typeof body.message === 'string' && body.message ? body.message : `${status} ${summariseText(bodyText)}`;
  return new ProviderError({
    provider,
    kind: 'http',
    status,
    message,
    type: typeof body?.type === 'string' ? body.type : undefined,
    code: typeof body?.code === 'string' || typeof body?.code === 'number' ? body.code : undefined,
    param: typeof body?.param === 'string' ? body.param : undefined,
    metadata: body?.metadata,
    retryAfterMs: retryAfterOf(headers),
  });
}

/** An `{"error": {...}}` event inside a 200 stream (OpenAI's server_error, OpenRouter's mid-stream error). */
export function errorFromEvent(provider: string, error: Record<string, unknown>): ProviderError {
  return new ProviderError({
    provider,
    kind: 'stream',
    retryable: true,
    message: typeof error.message === 'string' && error.message ? error.message : 'upstream reported an error in the stream',
    type: typeof error.type === 'string' ? error.type : undefined,
    code: typeof error.code === 'string' || typeof error.code === 'number' ? error.code : undefined,
    metadata: error.metadata,
  });
}

/** A thrown transport error (refused, reset, aborted by our signal). */
export function errorFromTransport(provider: string, error: unknown, signal: AbortSignal, inStream: boolean): ProviderError {
  if (error instanceof ProviderError) return error;
  const aborted = abortedError(provider, signal, error);
  if (aborted) return aborted;
  const code = (error as { code?: string } | null)?.code;
  const text = error instanceof Error ? error.message : String(error);
  const message = code && !text.includes(code) ? `connection failed: ${code} (${text})` : text || 'connection failed';
  return new ProviderError({ provider, kind: inStream ? 'stream' : 'network', message, cause: error });
}

/** retry-after-ms, Retry-After, or OpenRouter's X-RateLimit-Reset (epoch milliseconds). */
export function retryAfterOf(headers: HeaderRecord, now = Date.now()): number | undefined {
  const ms = Number(first(headers['retry-after-ms']));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const retryAfter = parseRetryAfter(first(headers['retry-after']), now);
  if (retryAfter !== undefined) return retryAfter;
  const reset = Number(first(headers['x-ratelimit-reset']));
  // Only an absolute epoch in the near future is a reset time; OpenAI's own x-ratelimit-reset-* are durations.
  if (Number.isFinite(reset) && reset > now && reset - now < 3_600_000) return reset - now;
  return undefined;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function errorBodyOf(text: string): UpstreamErrorBody | undefined {
  try {
    const parsed = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (parsed && typeof parsed === 'object') {
      if (parsed.error && typeof parsed.error === 'object') return parsed.error as UpstreamErrorBody;
      if (typeof parsed.error === 'string') return { message: parsed.error };
      if (typeof parsed.message === 'string') return parsed as UpstreamErrorBody;
    }
  } catch {
    // not JSON: summarised below
  }
  return undefined;
}

/** A non-JSON error body (an HTML error page, a proxy's text) as one short plain line. */
export function summariseText(text: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
  const plain = (title ?? text.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
  return plain.length > 200 ? `${plain.slice(0, 200)}…` : plain || 'no error text';
}
