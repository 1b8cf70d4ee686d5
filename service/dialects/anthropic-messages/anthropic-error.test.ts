import { describe, expect, it } from 'vitest';
import { HttpError } from '../../http/openai-error.ts';
import { toAnthropicError } from './anthropic-error.ts';

describe('toAnthropicError', () => {
  it('names the type by status, and keeps an Anthropic type an upstream gave', () => {
    expect(toAnthropicError(new HttpError(400, 'invalid_request_error', 'bad'))).toEqual({ status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'bad' } } });
    expect(toAnthropicError(new HttpError(401, 'authentication_error', 'no key')).body.error.type).toBe('authentication_error');
    expect(toAnthropicError(new HttpError(502, 'upstream_error', 'all failed')).body.error.type).toBe('api_error');
    expect(toAnthropicError(new HttpError(429, 'rate_limit_error', 'slow down')).status).toBe(429);
  });

  it('answers "nothing can serve now" as an overload, which clients retry', () => {
    expect(toAnthropicError(new HttpError(503, 'service_unavailable', 'no provider'))).toEqual({ status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'no provider' } } });
  });
});
