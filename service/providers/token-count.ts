// Upstream usage is untrusted input: a token count that is not a finite, non-negative number
// (an object, a boolean, an array, -5, 1e400 → Infinity) is dropped at the provider boundary,
// so nothing further in (the request log's SQLite binds, cost, /metrics) ever sees it.

/** The count as a whole number of tokens, or undefined when the upstream's value is not one. */
export function tokenCount(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > Number.MAX_SAFE_INTEGER) return undefined;
  return Math.round(value);
}
