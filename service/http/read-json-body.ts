// Reads a JSON body within the size limit; anything unreadable is the client's mistake (4xx).
import type { Context } from 'hono';
import type { Readable } from 'node:stream';
import { HttpError, invalidRequest } from './openai-error.ts';
import { readBounded, StreamTooLarge } from '../io/bounded-read.ts';
import { scanJsonText } from '../canonical/json-text.ts';
import { withRequestText } from '../canonical/chat-types.ts';

/** Real requests (messages, content parts, tool schemas) stay far below this. */
export const MAX_REQUEST_DEPTH = 100;

export async function readJsonBody(c: Context, maxBytes: number): Promise<unknown> {
  refuseNonJson(c);
  const declared = Number(c.req.header('content-length') ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  // On Node the IncomingMessage is read directly: building a WHATWG Request just to read its body costs more than the rest of the hop.
  const incoming = (c.env as { incoming?: Readable } | undefined)?.incoming;
  let text: string;
  let bytes: Buffer;
  try {
    bytes = incoming ? await readBounded(incoming, maxBytes) : await readLimitedWeb(c.req.raw.body, maxBytes);
    text = bytes.toString('utf8');
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (error instanceof StreamTooLarge) throw tooLarge(maxBytes);
    // The upload broke off: the client went away (or its connection did) before the body was whole.
    throw new HttpError(499, 'invalid_request_error', 'the client closed the connection before the request body was complete', null, 'client_closed');
  }
  if (text.trim() === '') throw invalidRequest('the request body is empty; send a JSON object', null, 'missing_body');
  // One pass over the text: its depth (a body nested past the limit would overflow the stack when
  // serialised) and its top-level members (so it can go upstream as sent; see json-text.ts).
  const scan = scanJsonText(bytes, MAX_REQUEST_DEPTH);
  if (scan.depth > MAX_REQUEST_DEPTH) {
    throw invalidRequest(`the request body nests deeper than ${MAX_REQUEST_DEPTH} levels`, null, 'too_deeply_nested');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw invalidRequest(`the request body is not valid JSON: ${(error as Error).message}`, null, 'invalid_json');
  }
  return withRequestText(body, { bytes, scan });
}

async function readLimitedWeb(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    parts.push(value);
  }
  return parts.length === 1 ? Buffer.from(parts[0].buffer, parts[0].byteOffset, parts[0].byteLength) : Buffer.concat(parts);
}

/**
 * A body that is not declared JSON is refused (415) before it is read. Browsers send text/plain and
 * form bodies cross-site without a preflight; a JSON body needs one, which only allowed origins pass.
 */
export function refuseNonJson(c: Context): void {
  if (!hasBody(c) || isJson(c.req.header('content-type'))) return;
  const given = c.req.header('content-type') ? `"${c.req.header('content-type')}"` : 'none';
  throw new HttpError(415, 'invalid_request_error', `the request body must be JSON (Content-Type: application/json); got ${given}`, null, 'unsupported_media_type');
}

/** application/json, with or without parameters, or a +json type. */
function isJson(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0].trim().toLowerCase() ?? '';
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** HTTP/1.1 frames a request body by Content-Length or Transfer-Encoding; with neither there is none. */
function hasBody(c: Context): boolean {
  const length = c.req.header('content-length');
  return (length !== undefined && length.trim() !== '0') || c.req.header('transfer-encoding') !== undefined;
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 'invalid_request_error', `the request body is larger than ${Math.round((maxBytes / 1024 / 1024) * 100) / 100} MB (ROUTER_MAX_BODY_MB)`, null, 'request_too_large');
}
