// A store that cannot answer (PostgreSQL unreachable or failing over, SQLite locked past its wait)
// is not the client's mistake and not a bug of ours: the admin routes answer 503 with Retry-After,
// say that nothing was changed, and the gateway keeps serving.
import { HttpError } from './openai-error.ts';

const RETRY_AFTER_S = '1';

export function storeUnavailable(what: string, error: unknown, changed: boolean): HttpError {
  const reason = error instanceof Error ? error.message : String(error);
  const tail = changed ? 'nothing was changed; retry shortly' : 'retry shortly';
  const failure = new HttpError(503, 'service_unavailable', `${what}: the store did not answer (${reason.slice(0, 200)}); ${tail}`, null, 'store_unavailable');
  failure.headers['retry-after'] = RETRY_AFTER_S;
  return failure;
}

/** Runs a configuration write; a store failure becomes a 503 (an HttpError the write threw itself passes through). */
export async function storeWrite<T>(what: string, write: () => T | Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw storeUnavailable(what, error, true);
  }
}

/** Runs a read of the store (metrics, the request log, the audit trail); a store failure becomes a 503. */
export async function storeRead<T>(what: string, read: () => T | Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw storeUnavailable(what, error, false);
  }
}

/** A part of an answer that the store holds (the breaker history): when the store does not answer, `fallback`, so the rest is still shown. */
export async function storeReadOr<T>(read: () => T | Promise<T>, fallback: T): Promise<T> {
  try {
    return await read();
  } catch {
    return fallback;
  }
}
