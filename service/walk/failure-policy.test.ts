import { describe, expect, it } from 'vitest';
import { ProviderError } from '../providers/provider-error.ts';
import { decideOnFailure, isBreakerNeutral } from './failure-policy.ts';

const http = (status: number, extra: Partial<ConstructorParameters<typeof ProviderError>[0]> = {}) =>
  new ProviderError({ provider: 'p', kind: 'http', status, message: `status ${status}`, ...extra });

describe('failure policy', () => {
  it('moves on for network errors, timeouts, 408/409/429/5xx and a misconfigured target', () => {
    for (const status of [401, 403, 404, 408, 409, 429, 500, 502, 503, 529]) expect(decideOnFailure(http(status))).toBe('next');
    expect(decideOnFailure(new ProviderError({ provider: 'p', kind: 'network', message: 'ECONNREFUSED' }))).toBe('next');
    expect(decideOnFailure(new ProviderError({ provider: 'p', kind: 'timeout', message: 'slow' }))).toBe('next');
    expect(decideOnFailure(new ProviderError({ provider: 'p', kind: 'invalid-response', message: 'empty' }))).toBe('next');
  });

  it('stops for a request the upstream rejected, and when the client left', () => {
    expect(decideOnFailure(http(400))).toBe('stop');
    expect(decideOnFailure(http(422))).toBe('stop');
    expect(decideOnFailure(new ProviderError({ provider: 'p', kind: 'aborted', message: 'gone' }))).toBe('stop');
  });

  it('moves on for a context-length 400, which another target may hold', () => {
    expect(decideOnFailure(http(400, { code: 'context_length_exceeded', message: "This model's maximum context length is 128000 tokens" }))).toBe('next');
    expect(decideOnFailure(http(400, { message: 'the input length exceeds the context length' }))).toBe('next');
  });

  it('keeps client-side and capability errors out of the breaker counts', () => {
    expect(isBreakerNeutral(http(400))).toBe(true);
    expect(isBreakerNeutral(http(501, { type: 'unsupported' }))).toBe(true);
    expect(isBreakerNeutral(new ProviderError({ provider: 'p', kind: 'aborted', message: 'gone' }))).toBe(true);
    expect(isBreakerNeutral(http(503))).toBe(false);
    expect(isBreakerNeutral(http(400, { code: 'context_length_exceeded', message: 'too long' }))).toBe(false);
  });
});
