// Gemini error statuses and bodies (google.rpc.Status) → ProviderError. Works on the REST
// error shape; the adapter extracts it from whichever SDK error carried it.
import { ProviderError } from '../provider-error.ts';
import type { GeminiErrorObject } from './gemini-api-types.ts';

export interface GoogleHttpFailure {
  status: number;
  /** `error.message` of the body (or whatever text the SDK kept of it). */
  message?: string;
  /** `error.status`, e.g. INVALID_ARGUMENT; derived from the HTTP status when the SDK dropped it. */
  googleStatus?: string;
  details?: GeminiErrorObject['details'];
  cause?: unknown;
}

// The canonical google.rpc code for each HTTP status Gemini answers with.
const GOOGLE_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const ERROR_TYPE: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
};

/** ErrorInfo reasons that blame the key, not the request. */
const KEY_REASONS = new Set(['API_KEY_INVALID', 'API_KEY_EXPIRED', 'API_KEY_SERVICE_BLOCKED']);

export function mapGoogleHttpError(provider: string, failure: GoogleHttpFailure): ProviderError {
  const details = failure.details ?? [];
  const reason = detail(details, 'google.rpc.ErrorInfo')?.reason;
  const googleStatus = failure.googleStatus ?? GOOGLE_STATUS[failure.status];
  const message = failure.message || `Gemini answered HTTP ${failure.status}${googleStatus ? ` ${googleStatus}` : ''}`;
  const retryDelay = detail(details, 'google.rpc.RetryInfo')?.retryDelay;
  const common = { provider, kind: 'http' as const, cause: failure.cause, metadata: details.length ? { details } : undefined };

  // Gemini reports a bad key as 400 INVALID_ARGUMENT. Passed on as 400 it would end the chain
  // and reach the client as its own mistake; it is this target's credentials, so it reads as 401.
  if ((typeof reason === 'string' && KEY_REASONS.has(reason)) || (failure.status === 400 && /api key not valid/i.test(message))) {
    return new ProviderError({
      ...common,
      status: 401,
      retryable: false,
      type: 'authentication_error',
      code: typeof reason === 'string' ? reason : 'API_KEY_INVALID',
      message: `${message} (Gemini answered ${[failure.status, googleStatus].filter(Boolean).join(' ')}; treated as 401: the provider's API key is at fault, not the request)`,
      metadata: { upstreamStatus: failure.status, details },
    });
  }
  // 400 FAILED_PRECONDITION "User location is not supported" / free tier unavailable: the account, not the request.
  if (failure.status === 400 && (googleStatus === 'FAILED_PRECONDITION' || /location is not supported|enable billing/i.test(message))) {
    return new ProviderError({ ...common, status: 403, retryable: false, type: 'permission_error', code: 'FAILED_PRECONDITION', message, metadata: { upstreamStatus: 400, details } });
  }
  return new ProviderError({
    ...common,
    status: failure.status,
    message,
    type: ERROR_TYPE[failure.status] ?? (failure.status >= 500 ? 'server_error' : 'upstream_error'),
    // The router moves on for context-length errors; Gemini words them its own way.
    code: /input token count.*exceeds the maximum/i.test(message) ? 'context_length_exceeded' : (typeof reason === 'string' ? reason : googleStatus),
    retryAfterMs: typeof retryDelay === 'string' ? parseRetryDelay(retryDelay) : undefined,
  });
}

/** An `{"error": {...}}` object that arrived inside a 200 stream. */
export function mapGoogleStreamError(provider: string, error: GeminiErrorObject): ProviderError {
  return new ProviderError({
    provider,
    kind: 'stream',
    message: error.message || 'Gemini reported an error inside the stream',
    code: error.status ?? error.code,
    retryable: true,
    metadata: error.details ? { details: error.details } : undefined,
  });
}

/** A protobuf Duration in JSON ("34.4s", "1s", "0.250s") → milliseconds. */
export function parseRetryDelay(value: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

function detail(details: NonNullable<GeminiErrorObject['details']>, type: string): Record<string, unknown> | undefined {
  return details.find((d) => typeof d?.['@type'] === 'string' && d['@type'].endsWith(type));
}
