// Which failures move the chain on to the next target and which end it.
import { ProviderError } from '../providers/provider-error.ts';

export type FailureDecision = 'next' | 'stop';

/**
 * A request the upstream rejected as malformed (400/422) would fail the same way elsewhere,
 * and a client that went away wants nothing more: both end the walk. Everything else
 * (network, timeouts, 408/409/429/5xx, a misconfigured target's 401/403/404, broken or
 * empty answers) moves on.
 */
export function decideOnFailure(error: ProviderError): FailureDecision {
  if (error.kind === 'aborted') return 'stop';
  if (error.isRequestError && !isContextLengthError(error)) return 'stop';
  return 'next';
}

/** Context-length errors are about this target's window; a larger-window target may still serve. */
export function isContextLengthError(error: ProviderError): boolean {
  const text = `${error.code ?? ''} ${error.message}`.toLowerCase();
  return (
    text.includes('context_length_exceeded') ||
    text.includes('context length') ||
    text.includes('context window') ||
    text.includes('maximum context') ||
    text.includes('prompt is too long') ||
    text.includes('input length exceeds')
  );
}

/**
 * Errors that say nothing about the target's health are not counted by its breaker: the client
 * leaving, a malformed request, and a model that cannot take this request's input (a 501
 * `unsupported`, e.g. tools sent to an Ollama model without tool support) — the target is
 * fine for other requests.
 */
export function isBreakerNeutral(error: unknown): boolean {
  if (!(error instanceof ProviderError)) return false;
  if (error.kind === 'aborted') return true;
  if (error.status === 501 && error.type === 'unsupported') return true;
  return error.isRequestError && !isContextLengthError(error);
}
