import { describe, expect, it } from 'vitest';
import { decideOnFailure } from '../../walk/failure-policy.ts';
import { mapGoogleHttpError, parseRetryDelay } from './map-google-error.ts';

const retryInfo = [
  { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier' }] },
  { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '34.4s' },
];
const keyInvalid = [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } }];

describe('mapGoogleHttpError', () => {
  it('turns RetryInfo into retryAfterMs on a 429 and moves on', () => {
    const error = mapGoogleHttpError('gemini', { status: 429, message: 'You exceeded your current quota.', details: retryInfo });
    expect(error).toMatchObject({ kind: 'http', status: 429, retryable: true, retryAfterMs: 34_400, type: 'rate_limit_error', code: 'RESOURCE_EXHAUSTED' });
    expect(error.metadata).toEqual({ details: retryInfo });
    expect(decideOnFailure(error)).toBe('next');
  });

  it('reads a bad key as 401, not retryable, and moves on instead of ending the chain', () => {
    const error = mapGoogleHttpError('gemini', { status: 400, message: 'API key not valid. Please pass a valid API key.', details: keyInvalid });
    expect(error).toMatchObject({ kind: 'http', status: 401, retryable: false, type: 'authentication_error', code: 'API_KEY_INVALID' });
    expect(error.message).toMatch(/^API key not valid\. Please pass a valid API key\. \(Gemini answered 400 INVALID_ARGUMENT; treated as 401/);
    expect(error.metadata).toMatchObject({ upstreamStatus: 400 });
    expect(error.isRequestError).toBe(false);
    expect(decideOnFailure(error)).toBe('next');
  });

  it('keeps a plain 400 a request error and a 404 a 404', () => {
    const bad = mapGoogleHttpError('gemini', { status: 400, message: 'Request contains an invalid argument.' });
    expect(bad).toMatchObject({ status: 400, type: 'invalid_request_error', code: 'INVALID_ARGUMENT', retryable: false });
    expect(decideOnFailure(bad)).toBe('stop');
    const missing = mapGoogleHttpError('gemini', { status: 404, message: 'models/x is not found for API version v1beta' });
    expect(missing).toMatchObject({ status: 404, type: 'not_found_error', code: 'NOT_FOUND' });
    expect(decideOnFailure(missing)).toBe('next');
  });

  it('lets a context-length 400 move on, and reads an unsupported location as the account’s problem', () => {
    const long = mapGoogleHttpError('gemini', { status: 400, message: 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).' });
    expect(long.code).toBe('context_length_exceeded');
    expect(decideOnFailure(long)).toBe('next');
    const place = mapGoogleHttpError('gemini', { status: 400, message: 'User location is not supported for the API use.', googleStatus: 'FAILED_PRECONDITION' });
    expect(place).toMatchObject({ status: 403, retryable: false });
    expect(decideOnFailure(place)).toBe('next');
  });

  it('maps server errors as retryable and names the status when there is no message', () => {
    expect(mapGoogleHttpError('gemini', { status: 503 })).toMatchObject({ status: 503, retryable: true, type: 'server_error', code: 'UNAVAILABLE', message: 'Gemini answered HTTP 503 UNAVAILABLE' });
  });
});

describe('parseRetryDelay', () => {
  it.each([
    ['34.4s', 34_400],
    ['1s', 1000],
    ['0.250s', 250],
    ['soon', undefined],
  ])('%s → %s', (value, expected) => {
    expect(parseRetryDelay(value)).toBe(expected);
  });
});
