import { describe, expect, it } from 'vitest';
import { ProviderError } from '../provider-error.ts';
import { mapOllamaError } from './map-ollama-error.ts';
import { OllamaUnsupportedInputError } from './ollama-unsupported-input.ts';

/** The SDK's (unexported) ResponseError, as it builds it. */
function responseError(message: string, status: number): Error {
  const error = new Error(message) as Error & { error: string; status_code: number };
  error.name = 'ResponseError';
  error.error = message;
  error.status_code = status;
  return error;
}

const live = new AbortController().signal;

describe('mapOllamaError', () => {
  it('maps "does not support tools" to 501 so the chain moves on, keeping the message', () => {
    const e = mapOllamaError('ollama', responseError('registry.ollama.ai/library/gemma3:1b does not support tools', 400), live);
    expect(e).toMatchObject({ kind: 'http', status: 501, type: 'unsupported', code: 'model_capability', retryable: false, message: 'registry.ollama.ai/library/gemma3:1b does not support tools' });
    expect(e.isRequestError).toBe(false);
  });

  it('does the same for thinking', () => {
    expect(mapOllamaError('ollama', responseError('"llama3.2" does not support thinking', 400), live).status).toBe(501);
  });

  it('keeps the context-length 400 as 400 (the failure policy recognises its wording)', () => {
    expect(mapOllamaError('ollama', responseError('the input length exceeds the context length', 400), live)).toMatchObject({ kind: 'http', status: 400, message: 'the input length exceeds the context length' });
  });

  it('keeps other statuses, with retry-after from the response headers', () => {
    const e = mapOllamaError('ollama', responseError('server busy, please try again.  maximum pending requests exceeded', 503), live, { headers: new Headers({ 'retry-after': '3' }) });
    expect(e).toMatchObject({ kind: 'http', status: 503, retryable: true, retryAfterMs: 3000 });
    expect(mapOllamaError('ollama', responseError("model 'nope' not found", 404), live)).toMatchObject({ status: 404, retryable: false });
  });

  it('unwraps a JSON error body the SDK read as text', () => {
    expect(mapOllamaError('ollama', responseError('{"error":"boom"}', 500), live).message).toBe('boom');
  });

  it('maps refused input to 501 with its code', () => {
    expect(mapOllamaError('ollama', new OllamaUnsupportedInputError('image_url_unsupported', 'no remote images'), live)).toMatchObject({ status: 501, code: 'image_url_unsupported', retryable: false });
  });

  it('maps connection failures to network', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(mapOllamaError('ollama', refused, live)).toMatchObject({ kind: 'network', message: 'connection failed: ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:1)' });
  });

  it('maps failures inside a stream to kind stream', () => {
    expect(mapOllamaError('ollama', new Error('an error was encountered while running the model'), live, { inStream: true })).toMatchObject({ kind: 'stream', retryable: true });
  });

  it('maps bad JSON to invalid-response', () => {
    expect(mapOllamaError('ollama', new SyntaxError('Unexpected end of JSON input'), live).kind).toBe('invalid-response');
  });

  it('reports aborts and deadlines from the signal, whatever was thrown', () => {
    const client = new AbortController();
    client.abort();
    expect(mapOllamaError('ollama', new Error('aborted'), client.signal).kind).toBe('aborted');
    const deadline = new AbortController();
    deadline.abort(new DOMException('deadline', 'TimeoutError'));
    expect(mapOllamaError('ollama', new Error('aborted'), deadline.signal).kind).toBe('timeout');
  });

  it('passes a ProviderError through', () => {
    const original = new ProviderError({ provider: 'ollama', kind: 'stream', message: 'x' });
    expect(mapOllamaError('ollama', original, live)).toBe(original);
  });
});
