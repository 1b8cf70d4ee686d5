import { beforeAll, describe, expect, it } from 'vitest';
import { APIConnectionError, APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk';
import { ProviderError } from '../provider-error.ts';
import { anthropicStreamError, mapAnthropicError } from './map-anthropic-error.ts';
import { loadAnthropicSdk } from './anthropic-sdk.ts';

const live = new AbortController().signal;

function httpError(status: number, body: unknown, headers: Record<string, string> = {}): APIError {
  return APIError.generate(status, body as object, undefined, new Headers(headers));
}

describe('mapAnthropicError', () => {
  // The adapter loads the SDK before its first call; its errors can only come after that.
  beforeAll(() => loadAnthropicSdk());

  it('maps a status error with the type and message from the body', () => {
    const body = { type: 'error', error: { type: 'invalid_request_error', message: 'messages.0: bad' }, request_id: 'req_1' };
    const error = mapAnthropicError('anthropic', httpError(400, body, { 'x-should-retry': 'false' }), live);
    expect(error).toMatchObject({ kind: 'http', status: 400, type: 'invalid_request_error', message: 'messages.0: bad', retryable: false, metadata: { request_id: 'req_1' } });
    expect(error.isRequestError).toBe(true);
  });

  it('treats 529 overloaded as retryable', () => {
    const error = mapAnthropicError('anthropic', httpError(529, { type: 'error', error: { details: null, type: 'overloaded_error', message: 'Overloaded' } }), live);
    expect(error).toMatchObject({ kind: 'http', status: 529, type: 'overloaded_error', message: 'Overloaded', retryable: true });
  });

  it('reads retry-after on a 429', () => {
    const error = mapAnthropicError('anthropic', httpError(429, { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } }, { 'retry-after': '7' }), live);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 7000, retryable: true, type: 'rate_limit_error' });
  });

  it('keeps details.error_code as the code', () => {
    const body = { type: 'error', error: { type: 'invalid_request_error', message: 'too many tools', details: { error_code: 'available_tools_limit_exceeded' } } };
    expect(mapAnthropicError('anthropic', httpError(400, body), live)).toMatchObject({ code: 'available_tools_limit_exceeded', metadata: { details: { error_code: 'available_tools_limit_exceeded' } } });
  });

  it('maps an in-stream error event (no status) to kind stream', () => {
    const body = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    const error = mapAnthropicError('anthropic', new APIError(undefined, body, undefined, new Headers(), 'overloaded_error'), live, true);
    expect(error).toMatchObject({ kind: 'stream', type: 'overloaded_error', retryable: true, status: undefined });
    expect(error.message).toContain('Overloaded');
  });

  it('maps connection failures and timeouts', () => {
    const refused = new APIConnectionError({ cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(mapAnthropicError('anthropic', refused, live)).toMatchObject({ kind: 'network', retryable: true });
    expect(mapAnthropicError('anthropic', refused, live).message).toContain('ECONNREFUSED');
    expect(mapAnthropicError('anthropic', new APIConnectionTimeoutError(), live).kind).toBe('timeout');
  });

  it('reports anything thrown after the signal aborted as aborted, or as timeout when the deadline fired', () => {
    const client = new AbortController();
    client.abort();
    expect(mapAnthropicError('anthropic', new Error('x'), client.signal).kind).toBe('aborted');
    const deadline = AbortSignal.abort(new DOMException('t', 'TimeoutError'));
    expect(mapAnthropicError('anthropic', new Error('x'), deadline).kind).toBe('timeout');
  });

  it('maps malformed JSON and unknown errors', () => {
    expect(mapAnthropicError('anthropic', new SyntaxError('Unexpected end'), live).kind).toBe('invalid-response');
    expect(mapAnthropicError('anthropic', new TypeError('terminated'), live, true).kind).toBe('stream');
    expect(mapAnthropicError('anthropic', new TypeError('fetch failed'), live).kind).toBe('network');
    const existing = new ProviderError({ provider: 'anthropic', kind: 'stream', message: 'x' });
    expect(mapAnthropicError('anthropic', existing, live)).toBe(existing);
  });
});

describe('anthropicStreamError', () => {
  it('marks request-shaped stream errors as not retryable', () => {
    expect(anthropicStreamError('a', { type: 'error', error: { type: 'invalid_request_error', message: 'bad' } }).retryable).toBe(false);
    expect(anthropicStreamError('a', { type: 'error', error: { type: 'api_error', message: 'boom' } }).retryable).toBe(true);
  });
});
