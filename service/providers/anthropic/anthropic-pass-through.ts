// The raw Anthropic call behind the Messages dialect's pass-through: the client's body goes out
// unchanged but for the model, with the gateway's key; the answer comes back as bytes. Errors
// are mapped like the SDK path's, so breakers and failover see the same facts.
import { requestTextOf, type ChatRequest } from '../../canonical/chat-types.ts';
import { spliceMembers } from '../../canonical/json-text.ts';
import type { PassThroughAnswer, PassThroughCall } from '../chat-provider.ts';
import type { FetchLike } from '../pooled-fetch.ts';
import { ProviderError, abortedError, parseRetryAfter } from '../provider-error.ts';
import { summariseErrorBody } from '../secret-redaction.ts';

export interface PassThroughTarget {
  provider: string;
  baseURL: string;
  apiKey: string | undefined;
  headers: Record<string, string>;
  fetch: FetchLike;
}

/** Anthropic's API wants a version header; clients that omit it get the one the SDK sends. */
const DEFAULT_VERSION = '2023-06-01';

export async function anthropicPassThrough(target: PassThroughTarget, call: PassThroughCall): Promise<PassThroughAnswer> {
  const url = `${target.baseURL.replace(/\/+$/, '')}/v1/messages${call.endpoint === 'count_tokens' ? '/count_tokens' : ''}${call.betaQuery ? '?beta=true' : ''}`;
  const headers: Record<string, string> = {
    ...target.headers,
    'content-type': 'application/json',
    accept: call.body.stream === true ? 'text/event-stream' : 'application/json',
    'anthropic-version': call.version ?? DEFAULT_VERSION,
  };
  if (target.apiKey) headers['x-api-key'] = target.apiKey;
  if (call.beta) headers['anthropic-beta'] = call.beta;
  let res: Response;
  try {
    res = await target.fetch(url, { method: 'POST', headers, body: passThroughBody(call), signal: call.signal });
  } catch (error) {
    throw passThroughFailure(target.provider, error, call.signal);
  }
  const responseHeaders: Record<string, string> = {};
  res.headers.forEach((value, name) => (responseHeaders[name] = value));
  if (res.status >= 200 && res.status < 300) {
    const body = res.body && isStream(responseHeaders) ? res.body : new Uint8Array(await res.arrayBuffer());
    return { status: res.status, headers: responseHeaders, body };
  }
  throw httpFailure(target.provider, res.status, responseHeaders, await res.text().catch(() => ''));
}

/** The client's own bytes with only `model` replaced when it sent them as read (messages); else serialised once. */
export function passThroughBody(call: PassThroughCall): string | Buffer<ArrayBuffer> {
  const original = call.endpoint === 'messages' ? requestTextOf(call.body as unknown as ChatRequest) : undefined;
  return (original && spliceMembers(original.bytes, original.scan, { model: JSON.stringify(call.model) })) || JSON.stringify({ ...call.body, model: call.model });
}

function isStream(headers: Record<string, string>): boolean {
  return (headers['content-type'] ?? '').includes('text/event-stream');
}

function passThroughFailure(provider: string, error: unknown, signal: AbortSignal): ProviderError {
  if (error instanceof ProviderError) return error;
  const aborted = abortedError(provider, signal, error);
  if (aborted) return aborted;
  const cause = (error as { cause?: { code?: string } })?.cause;
  const message = cause?.code ? `connection failed: ${cause.code}` : ((error as Error)?.message ?? 'connection failed');
  return new ProviderError({ provider, kind: 'network', message, cause: error });
}

/** An Anthropic error answer (`{"type":"error","error":{type,message}}`) as the SDK path would map it. */
export function httpFailure(provider: string, status: number, headers: Record<string, string>, text: string): ProviderError {
  let parsed: { error?: { type?: unknown; message?: unknown }; request_id?: unknown } | undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const type = typeof parsed?.error?.type === 'string' ? parsed.error.type : undefined;
  const message = typeof parsed?.error?.message === 'string' ? parsed.error.message : summariseErrorBody(text, headers['content-type']);
  const shouldRetry = headers['x-should-retry'];
  const retryAfterMs = headers['retry-after-ms'] ? Number(headers['retry-after-ms']) : parseRetryAfter(headers['retry-after']);
  return new ProviderError({
    provider,
    kind: 'http',
    status,
    message,
    type,
    retryable: shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : undefined,
    retryAfterMs,
    metadata: typeof parsed?.request_id === 'string' ? { request_id: parsed.request_id } : undefined,
  });
}
