// The gateway's errors in Anthropic's shape: {"type":"error","error":{"type","message"}}, with the
// status and error type Anthropic uses, so Claude Code and the Anthropic SDKs retry what they should.
import type { HttpError } from '../../http/openai-error.ts';

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

const TYPES_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  415: 'invalid_request_error',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const KNOWN_TYPES = new Set(Object.values(TYPES_BY_STATUS));

/** Status and body for an error; "no target can answer now" (503) is Anthropic's overload, 529. */
export function toAnthropicError(error: Pick<HttpError, 'status' | 'type' | 'message'>): { status: number; body: AnthropicErrorBody } {
  const status = error.status === 503 ? 529 : error.status;
  // An Anthropic target's own error type passes on; anything else is named by its status.
  const type = KNOWN_TYPES.has(error.type) ? error.type : (TYPES_BY_STATUS[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'));
  return { status, body: { type: 'error', error: { type, message: error.message } } };
}
