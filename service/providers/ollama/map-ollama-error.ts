// Ollama SDK failures → ProviderError.
import { ProviderError, abortedError, parseRetryAfter } from '../provider-error.ts';
import { OllamaUnsupportedInputError } from './ollama-unsupported-input.ts';
import { UndeliverableAnswerError } from '../answer-shape.ts';
import { summariseErrorBody } from '../secret-redaction.ts';

export interface OllamaErrorContext {
  /** Thrown while reading a 200 stream (an `{"error"}` line, a cut connection). */
  inStream?: boolean;
  /** Headers of the failed response; the SDK's ResponseError drops them, the adapter's fetch keeps them. */
  headers?: Headers;
}

/** The SDK does not export its ResponseError class; this is its shape. */
interface ResponseErrorLike {
  name: 'ResponseError';
  error: string;
  status_code: number;
}

/**
 * Status 501 is how "this target cannot do what the request needs" reads to the chain:
 * Ollama answers 400 for a model without tool/thinking/vision support, and the failure
 * policy returns plain 400s to the client at once, although another target could serve.
 * The original message is kept. The context-length 400 stays 400: the policy already
 * reads its wording as a context-length error and moves on.
 */
export const UNSUPPORTED_STATUS = 501;

const MODEL_CANNOT = /does not support (tools|thinking|insert|vision|images|completion|generate|chat)/i;

export function mapOllamaError(provider: string, error: unknown, signal: AbortSignal, context: OllamaErrorContext = {}): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof UndeliverableAnswerError) return error.toProviderError(provider);
  const aborted = abortedError(provider, signal, error);
  if (aborted) return aborted;
  if (error instanceof OllamaUnsupportedInputError) {
    return new ProviderError({ provider, kind: 'http', status: UNSUPPORTED_STATUS, type: 'unsupported', code: error.code, message: error.message, retryable: false, cause: error });
  }
  if (isResponseError(error)) {
    const message = errorText(error.error);
    if (error.status_code === 400 && MODEL_CANNOT.test(message)) {
      return new ProviderError({ provider, kind: 'http', status: UNSUPPORTED_STATUS, type: 'unsupported', code: 'model_capability', message, retryable: false, cause: error });
    }
    return new ProviderError({ provider, kind: 'http', status: error.status_code, message, retryAfterMs: retryAfterOf(context.headers), cause: error });
  }
  if (error instanceof SyntaxError) {
    return new ProviderError({ provider, kind: 'invalid-response', message: `upstream sent malformed JSON: ${error.message}`, cause: error });
  }
  if (context.inStream) {
    // The SDK turns an {"error"} line into a plain Error with its text (with "[object Object]" when
    // the line's error is an object, whose text is lost by then); a cut body lands here too.
    const text = error instanceof Error ? error.message : String(error);
    const message = text === '[object Object]' ? 'the upstream reported an error mid-stream without a readable message' : text;
    return new ProviderError({ provider, kind: 'stream', message, cause: error });
  }
  return new ProviderError({ provider, kind: 'network', message: connectionMessage(error), cause: error });
}

function isResponseError(error: unknown): error is ResponseErrorLike {
  return error instanceof Error && error.name === 'ResponseError' && typeof (error as Partial<ResponseErrorLike>).status_code === 'number';
}

/**
 * The SDK hands on the body's `error` field as it is (a string from Ollama itself, but an object
 * such as `{"message": …}` from proxies and OpenAI-minded servers, which it would show as
 * "[object Object]"), or a non-JSON body as text, which may be JSON after all or an HTML page.
 */
export function errorText(raw: unknown): string {
  if (raw && typeof raw === 'object') return messageOf(raw) ?? summariseErrorBody(safeJson(raw));
  const text = typeof raw === 'string' ? raw : String(raw);
  if (text.trimStart().startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as { error?: unknown };
      if (typeof parsed.error === 'string') return parsed.error;
      if (parsed.error && typeof parsed.error === 'object') return messageOf(parsed.error) ?? summariseErrorBody(text);
    } catch {
      // not JSON after all: summarised below
    }
  }
  return summariseErrorBody(text);
}

function messageOf(value: object): string | undefined {
  const { message, error } = value as { message?: unknown; error?: unknown };
  if (typeof message === 'string' && message) return message;
  if (typeof error === 'string' && error) return error;
  if (error && typeof error === 'object') return messageOf(error);
  return undefined;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

function retryAfterOf(headers: Headers | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  return parseRetryAfter(headers.get('retry-after'));
}

function connectionMessage(error: unknown): string {
  const err = error as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  const code = typeof err?.code === 'string' ? err.code : typeof err?.cause?.code === 'string' ? err.cause.code : undefined;
  const message = typeof err?.message === 'string' && err.message ? err.message : String(error);
  return code ? `connection failed: ${code} (${message})` : message;
}
