// Every error the gateway answers has OpenAI's shape: {"error": {message, type, param, code}}.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type ErrorType = 'invalid_request_error' | 'authentication_error' | 'permission_error' | 'not_found_error' | 'rate_limit_error' | 'upstream_error' | 'service_unavailable' | 'server_error';

export interface OpenAIErrorBody {
  error: { message: string; type: ErrorType | string; param: string | null; code: string | number | null; [key: string]: unknown };
}

/** An error the route answers as-is. */
export class HttpError extends Error {
  readonly status: ContentfulStatusCode;
  readonly type: ErrorType | string;
  readonly param: string | null;
  readonly code: string | number | null;
  readonly extra: Record<string, unknown>;
  /** Response headers the answer carries (Retry-After on a 503 for targets held back). */
  readonly headers: Record<string, string> = {};

  constructor(status: number, type: ErrorType | string, message: string, param: string | null = null, code: string | number | null = null, extra: Record<string, unknown> = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status as ContentfulStatusCode;
    this.type = type;
    this.param = param;
    this.code = code;
    this.extra = extra;
  }

  body(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code, ...this.extra } };
  }
}

export function errorResponse(c: Context, error: HttpError): Response {
  return c.json(error.body(), error.status, error.headers);
}

export function invalidRequest(message: string, param: string | null = null, code: string | null = null): HttpError {
  return new HttpError(400, 'invalid_request_error', message, param, code);
}
