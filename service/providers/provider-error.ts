// One error type for every provider failure, so the chain walker decides on facts
// (status, retryable, retry-after) rather than on each SDK's error classes.

export type ProviderErrorKind =
  | 'http' // the upstream answered with an error status
  | 'network' // connection refused/reset, DNS, TLS
  | 'timeout' // the per-attempt deadline passed
  | 'aborted' // the client went away
  | 'stream' // the upstream reported an error inside a 200 stream, or cut it short
  | 'invalid-response'; // the upstream answered something we cannot read (bad JSON, empty completion)

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
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ProviderError';
    this.provider = init.provider;
    this.kind = init.kind;
    this.status = init.status;
    this.retryable = init.retryable ?? defaultRetryable(init.kind, init.status);
    this.retryAfterMs = init.retryAfterMs;
    this.type = init.type;
    this.code = init.code;
    this.param = init.param;
    this.metadata = init.metadata;
  }

  /** True when the upstream rejected the request itself: trying elsewhere would fail the same way. */
  get isRequestError(): boolean {
    return this.kind === 'http' && (this.status === 400 || this.status === 422);
  }
}

function defaultRetryable(kind: ProviderErrorKind, status: number | undefined): boolean {
  if (kind === 'aborted') return false;
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
