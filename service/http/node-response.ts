// Writes answers straight to Node's ServerResponse when the server is @hono/node-server: a
// WHATWG Response per answer (and a web stream per SSE) is most of the adapter's cost.
import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { answerJson } from '../canonical/chat-types.ts';
import { runDetached } from '../process/detached-task.ts';

function outgoingOf(c: Context): ServerResponse | undefined {
  return (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
}

export function sendJson(c: Context, status: number, body: unknown, headers: Record<string, string>): Response {
  const outgoing = outgoingOf(c);
  const json = typeof body === 'object' && body !== null ? answerJson(body) : JSON.stringify(body);
  if (!outgoing) return c.json(body, status as ContentfulStatusCode, headers);
  outgoing.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  outgoing.end(json);
  return RESPONSE_ALREADY_SENT;
}

/** Sends a body that is already text or bytes (an upstream's own answer, passed through). */
export function sendRaw(c: Context, status: number, body: string | Uint8Array, contentType: string, headers: Record<string, string>): Response {
  const outgoing = outgoingOf(c);
  if (!outgoing) return new Response(body as BodyInit, { status, headers: { ...headers, 'content-type': contentType } });
  outgoing.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength });
  outgoing.end(body);
  return RESPONSE_ALREADY_SENT;
}

/**
 * Sends SSE events as they come, respecting backpressure. When the client goes away the
 * generator is closed (its finally block records the request) and `onClientClose` stops the upstream.
 */
export function sendEventStream(c: Context, events: AsyncGenerator<string>, headers: Record<string, string>, onClientClose: () => void): Response {
  const sseHeaders = { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' };
  const outgoing = outgoingOf(c);
  if (!outgoing) return webEventStream(events, sseHeaders, onClientClose);

  outgoing.writeHead(200, sseHeaders);
  let clientGone = false;
  // One pair of listeners for the whole stream; a backpressure wait only parks its resolver here.
  let wake: (() => void) | undefined;
  outgoing.on('drain', () => wake?.());
  outgoing.on('close', () => {
    wake?.();
    if (outgoing.writableFinished) return;
    clientGone = true;
    onClientClose();
    runDetached('closing a stream the client left', () => events.return(undefined));
  });
  runDetached(
    'writing a stream',
    async () => {
      try {
        for await (const event of events) {
          if (clientGone) break;
          if (!outgoing.write(event)) {
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
          }
        }
      } finally {
        if (!clientGone) outgoing.end();
      }
    },
    () => outgoing.destroy(),
  );
  return RESPONSE_ALREADY_SENT;
}

/**
 * Sends a walked stream's events; if sending fails before the writer starts, the upstream stream is
 * closed here (the writer's own cleanup would never run), so it is never left open and unread.
 */
export async function sendWalkedStream(
  c: Context,
  events: AsyncGenerator<string>,
  headers: Record<string, string>,
  walked: { deadline: { abort(reason: unknown): void; release(): void }; opened: { rest: AsyncIterator<unknown> } },
): Promise<Response> {
  const { deadline, opened } = walked;
  try {
    return sendEventStream(c, events, headers, () => deadline.abort('client closed the stream'));
  } catch (error) {
    deadline.abort('the answer could not be sent');
    deadline.release();
    await opened.rest.return?.().catch(() => undefined);
    throw error;
  }
}

function webEventStream(events: AsyncGenerator<string>, headers: Record<string, string>, onClientClose: () => void): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await events.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      onClientClose();
      await events.return(undefined);
    },
  });
  return new Response(body, { status: 200, headers });
}
