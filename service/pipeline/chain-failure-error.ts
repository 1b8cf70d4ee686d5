// How a failed walk reads to the client.
import type { ChainFailure } from '../walk/chain-walker.ts';
import type { ProviderConfig } from '../config/gateway-config.ts';
import { HttpError } from '../http/openai-error.ts';

/** `category` is null for a direct `provider/model` request. */
export function chainFailureError(failure: ChainFailure, category: string | null, deadlineHit: boolean, providers: ProviderConfig[], now = Date.now()): HttpError {
  const error = describeFailure(failure, category, deadlineHit, providers);
  // Targets held back (open, cooling down, provider down): say when one can be called, so client retries wait that long.
  if ((error.status === 503 || error.status === 502) && failure.retryAt !== undefined) {
    error.headers['retry-after'] = String(Math.max(1, Math.ceil((failure.retryAt - now) / 1000)));
  }
  return error;
}

function describeFailure(failure: ChainFailure, category: string | null, deadlineHit: boolean, providers: ProviderConfig[]): HttpError {
  const attempts = failure.attempts;
  if (failure.reason === 'aborted') {
    if (deadlineHit) return new HttpError(504, 'upstream_error', 'the request deadline passed before any target answered (ROUTER_REQUEST_TIMEOUT_MS)', null, 'request_timeout', { attempts });
    return new HttpError(499, 'invalid_request_error', 'the client closed the request', null, 'client_closed_request', { attempts });
  }
  if (failure.reason === 'request_error' && failure.lastError) {
    const e = failure.lastError;
    return new HttpError(e.status ?? 400, e.type ?? 'invalid_request_error', `${attempts.at(-1)?.target ?? e.provider} rejected the request: ${e.message}`, e.param ?? null, e.code ?? null, { attempts });
  }
  if (failure.reason === 'nothing_callable') {
    const unconfigured = attempts.filter((a) => a.outcome === 'skipped').map((a) => a.target.slice(0, a.target.indexOf('/')));
    const names = [...new Set(unconfigured)];
    const hints = names.map((name) => {
      const env = providers.find((p) => p.name === name)?.envHint ?? [];
      return env.length ? `${name} (${env.join(' or ')})` : name;
    });
    const blocked = attempts
      .filter((a) => a.outcome === 'breaker_open' || a.outcome === 'cooling_down' || a.outcome === 'provider_down' || a.outcome === 'busy')
      .map((a) => `${a.target} (${a.outcome.replace('_', ' ')}${a.outcome === 'provider_down' && a.error ? `: ${a.error}` : ''})`);
    const parts = [];
    if (hints.length) {
      parts.push(
        category === null
          ? `provider ${names.join(', ')} is not configured: configure ${hints.join(', ')}`
          : `no configured provider can serve category "${category}": configure one of ${hints.join(', ')}`,
      );
    }
    if (blocked.length) parts.push(`targets temporarily unavailable: ${blocked.join(', ')}`);
    return new HttpError(503, 'service_unavailable', parts.join('; ') || `category "${category}" has an empty chain`, null, 'no_provider_available', { attempts });
  }
  return new HttpError(502, 'upstream_error', failure.message, null, 'all_targets_failed', { attempts });
}
