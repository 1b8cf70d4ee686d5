// A fetch for the SDKs built on undici's pooled `request`: keep-alive connections and no
// WHATWG request machinery on the way out, which is most of a proxy hop's CPU cost.
import { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export function createPooledFetch(dispatcher: Dispatcher = defaultAgent()): FetchLike {
  return async function pooledFetch(input, init = {}) {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init.method ?? 'GET').toUpperCase();
    const res = await request(url, {
      method: method as Dispatcher.HttpMethod,
      headers: headerRecord(init.headers),
      body: bodyOf(init.body),
      signal: init.signal ?? undefined,
      dispatcher,
    });
    const headers = responseHeaders(res.headers);
    const empty = method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304;
    if (empty) {
      res.body.resume();
      return new Response(null, { status: res.statusCode, headers });
    }
    // Event streams are handed on as they arrive; anything else is read whole, which spares a
    // Node-to-web stream bridge for every plain JSON answer.
    const streaming = String(res.headers['content-type'] ?? '').includes('text/event-stream') || String(res.headers['content-type'] ?? '').includes('ndjson');
    const body = streaming ? (Readable.toWeb(res.body) as ReadableStream<Uint8Array>) : await res.body.bytes();
    return new Response(body as BodyInit, { status: res.statusCode, headers });
  };
}

/** A header record in one pass; repeated headers are joined as HTTP allows (set-cookie never matters to a chat API). */
function responseHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in raw) {
    const value = raw[name];
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

let shared: Agent | undefined;
function defaultAgent(): Agent {
  // Deadlines are enforced per attempt by the router's abort signal, so undici's own
  // header/body timeouts are off; a slow reasoning model may think for minutes.
  shared ??= new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, headersTimeout: 0, bodyTimeout: 0, connections: 256 });
  return shared;
}

function headerRecord(headers: HeadersInit | undefined): Record<string, string> {
  if (!headers) return {};
  if (headers instanceof Headers) {
    const out: Record<string, string> = {};
    headers.forEach((value, name) => (out[name] = value));
    return out;
  }
  if (Array.isArray(headers)) return Object.fromEntries(headers);
  return headers as Record<string, string>;
}

function bodyOf(body: RequestInit['body']): string | Uint8Array | Readable | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (body instanceof ReadableStream) return Readable.fromWeb(body as import('node:stream/web').ReadableStream);
  // URLSearchParams, Blob, FormData: rare for chat calls; let a Response serialise them.
  return Readable.fromWeb(new Response(body).body as import('node:stream/web').ReadableStream);
}
