// One error type for every provider failure, so the chain walker decides on facts
// (status, retryable, retry-after) rather than on each SDK's error classes.
import { redactSecrets, redactValue } from './secret-redaction.ts';

export type ProviderErrorKind =
  | 'http' // the upstream answered with an error status
  | 'network' // connection refused/reset, DNS, TLS
  | 'timeout' // the per-attempt deadline passed
  | 'aborted' // the client went away
  | 'stream' // the upstream reported an error inside a 200 stream, or cut it short
  | 'invalid-response' // the upstream answered something we cannot read or deliver (bad JSON, empty completion, wrong shape, too big)
  | 'invalid-request'; // the client's request cannot be sent to this provider as given (e.g. a model id with path characters)

/** Upstream text is kept to this length: an error body is not a place for megabytes. */
const MESSAGE_LIMIT = 2000;

export interface ProviderErrorInit {
  provider: string;
  kind: ProviderErrorKind;
  message: string;
  status?: number;
  retryable?: boolean;
  retryAfterMs?: number;
  /** The upstream's own error type/code/param, when it gave them. */
  type?: string;
  code?: string | number | null;
  param?: string | null;
  /** Extra upstream detail worth keeping in the attempt record (e.g. OpenRouter's error metadata). */
  metadata?: unknown;
  cause?: unknown;
}

/**
 * Everything in it is redacted as it is built (message, type, code, param, metadata), so no
 * upstream text can carry one of the gateway's credentials further: to the client, the request
 * log or /metrics. `cause` keeps the original error for debugging and is never sent or stored.
 */
export class ProviderError extends Error {
  readonly provider: string;
  readonly kind: ProviderErrorKind;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly type: string | undefined;
  readonly code: string | number | null | undefined;
  readonly param: string | null | undefined;
  readonly metadata: unknown;

  constructor(init: ProviderErrorInit) {
    super(cleanText(init.message) ?? '', init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ProviderError';
    this.provider = init.provider;
    this.kind = init.kind;
    this.status = init.status;
    this.retryable = init.retryable ?? defaultRetryable(init.kind, init.status);
    this.retryAfterMs = init.retryAfterMs;
    this.type = cleanText(init.type);
    this.code = typeof init.code === 'string' ? cleanText(init.code) : init.code;
    this.param = typeof init.param === 'string' ? cleanText(init.param) : init.param;
    this.metadata = init.metadata === undefined ? undefined : redactValue(init.metadata);
  }

  /**
   * True when the request itself is at fault: trying elsewhere would fail the same way. Either the
   * upstream rejected it (400/422), or the gateway refused to send it ('invalid-request', a 400).
   */
  get isRequestError(): boolean {
    if (this.kind === 'invalid-request') return true;
    return this.kind === 'http' && (this.status === 400 || this.status === 422);
  }
}

function cleanText(text: string | undefined): string | undefined {
  if (typeof text !== 'string') return text === undefined ? undefined : String(text);
  const short = text.length > MESSAGE_LIMIT ? `${text.slice(0, MESSAGE_LIMIT - 1)}…` : text;
  return redactSecrets(short);
}

function defaultRetryable(kind: ProviderErrorKind, status: number | undefined): boolean {
  if (kind === 'aborted' || kind === 'invalid-request') return false;
  if (kind !== 'http') return true;
  if (status === undefined) return true;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Parses a Retry-After header (seconds or HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.max(0, date - now);
  return undefined;
}

/** Wraps anything thrown while the client's signal is aborted as an 'aborted' error; otherwise null. */
export function abortedError(provider: string, signal: AbortSignal, cause: unknown): ProviderError | null {
  if (!signal.aborted) return null;
  const reason = signal.reason;
  if (reason instanceof ProviderError) return reason;
  const timedOut = reason instanceof DOMException && reason.name === 'TimeoutError';
  return new ProviderError({
    provider,
    kind: timedOut ? 'timeout' : 'aborted',
    message: timedOut ? 'upstream did not answer before the attempt deadline' : 'request aborted by the client',
    cause,
  });
}
