// A fetch for the SDKs built on undici's pooled `request`: keep-alive connections and no
// WHATWG request machinery on the way out, which is most of a proxy hop's CPU cost. It is also
// where an upstream's answer is bounded: the SDKs read a plain answer whole and buffer a stream
// line until its newline, so both are capped here, before any SDK sees the bytes.
import { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { ProviderError } from './provider-error.ts';
import { DEFAULT_UPSTREAM_LIMITS, type UpstreamLimits } from './openai/upstream-limits.ts';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface PooledFetchOptions extends Partial<UpstreamLimits> {
  /** Names the provider in the errors the limits raise. */
  provider?: string;
  dispatcher?: Dispatcher;
  /** A cap on a whole stream, for a client that keeps every event it reads (the Gemini SDK). */
  maxStreamBytes?: number;
}

/**
 * Past a limit the call fails with a retryable ProviderError ('invalid-response'), so the walker
 * moves on to the next target; the connection is destroyed rather than drained.
 */
export function createPooledFetch(options: PooledFetchOptions = {}): FetchLike {
  const dispatcher = options.dispatcher ?? upstreamAgent();
  const provider = options.provider ?? 'upstream';
  // A plain answer (error bodies included) is read whole up to maxAnswerBytes; a stream line
  // (an SSE event or NDJSON object, which every parser buffers whole) up to maxEventBytes.
  const maxBodyBytes = options.maxAnswerBytes ?? DEFAULT_UPSTREAM_LIMITS.maxAnswerBytes;
  const maxLineBytes = options.maxEventBytes ?? DEFAULT_UPSTREAM_LIMITS.maxEventBytes;
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
    const lines = streaming ? (Readable.toWeb(res.body) as ReadableStream<Uint8Array>).pipeThrough(lineLengthGuard(maxLineBytes, provider)) : undefined;
    const body = lines
      ? options.maxStreamBytes
        ? lines.pipeThrough(totalLengthGuard(options.maxStreamBytes, provider))
        : lines
      : await readBounded(res.body, maxBodyBytes, provider, Number(res.headers['content-length']));
    return new Response(body as BodyInit, { status: res.statusCode, headers });
  };
}

/** Reads a plain answer whole, up to `max` bytes: a declared or actual size beyond it fails at once. */
export async function readBounded(body: Readable, max: number, provider: string, declared = NaN): Promise<Uint8Array> {
  const tooLarge = () =>
    new ProviderError({ provider, kind: 'invalid-response', retryable: true, code: 'upstream_answer_too_large', message: `the upstream answer is larger than ${max} bytes (ROUTER_MAX_UPSTREAM_MB)` });
  if (Number.isFinite(declared) && declared > max) {
    body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > max) {
      body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Passes a stream on unchanged while no line (bytes between newlines, CR or LF) grows past `max`;
 * then errors it. SSE events and NDJSON objects are lines, and every parser holds one whole.
 */
export function lineLengthGuard(max: number, provider: string): TransformStream<Uint8Array, Uint8Array> {
  let run = 0;
  return new TransformStream({
    transform(chunk, controller) {
      run = lineRunAfter(chunk, run, max);
      if (run > max) {
        controller.error(
          new ProviderError({ provider, kind: 'invalid-response', retryable: true, code: 'upstream_line_too_long', message: `the upstream stream sent a line longer than ${max} bytes (ROUTER_MAX_EVENT_KB)` }),
        );
        return;
      }
      controller.enqueue(chunk);
    },
  });
}

export function totalLengthGuard(max: number, provider: string): TransformStream<Uint8Array, Uint8Array> {
  let total = 0;
  return new TransformStream({
    transform(chunk, controller) {
      total += chunk.byteLength;
      if (total > max) {
        controller.error(new ProviderError({ provider, kind: 'invalid-response', retryable: true, code: 'upstream_stream_too_large', message: `the upstream stream passed ${max} bytes (ROUTER_MAX_UPSTREAM_MB)` }));
        return;
      }
      controller.enqueue(chunk);
    },
  });
}

/** The length of the unfinished line after `chunk`, given the one before it; more than `max` once any line passed it. */
export function lineRunAfter(chunk: Uint8Array, run: number, max: number): number {
  const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  let lf = bytes.indexOf(0x0a);
  let cr = bytes.indexOf(0x0d);
  let start = 0;
  for (;;) {
    const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
    if (end === -1) return run + (bytes.length - start);
    if (run + (end - start) > max) return max + 1;
    run = 0;
    start = end + 1;
    // Each search starts where the last one found its byte, so the chunk is scanned about twice at most.
    if (lf !== -1 && lf < start) lf = bytes.indexOf(0x0a, start);
    if (cr !== -1 && cr < start) cr = bytes.indexOf(0x0d, start);
  }
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
/** The one connection pool every upstream call shares. */
export function upstreamAgent(): Agent {
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
