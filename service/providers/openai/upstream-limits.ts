// How much of an upstream answer the gateway will hold: a plain answer is read whole before it
// is checked and forwarded, a stream one event line at a time.
export interface UpstreamLimits {
  /** Largest plain (non-streamed) answer body, in bytes. */
  maxAnswerBytes: number;
  /** Longest single SSE/NDJSON line, in bytes. */
  maxEventBytes: number;
}

export const DEFAULT_UPSTREAM_LIMITS: UpstreamLimits = { maxAnswerBytes: 16 * 1024 * 1024, maxEventBytes: 1024 * 1024 };
