// POST /v1/chat/completions: read, validate, plan, walk, answer, record.
import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import type { ProviderConfig } from '../../config/gateway-config.ts';
import { ChainFailure } from '../../walk/chain-walker.ts';
import { RouteError, type ChatRouter } from '../../plan/chat-router.ts';
import { Deadline } from '../../walk/deadline.ts';
import { ProviderError } from '../../providers/provider-error.ts';
import type { RequestTracker } from '../../record/request-tracker.ts';
import { chainFailureError } from './chain-failure-response.ts';
import { parseChatRequest } from './chat-request-schema.ts';
import { HttpError } from '../../http/openai-error.ts';
import { readJsonBody } from '../../http/read-json-body.ts';
import { sendEventStream, sendJson } from '../../http/node-response.ts';
import { sseEvents } from './sse-stream.ts';

export interface ChatRouteDeps {
  router: ChatRouter;
  providers: () => ProviderConfig[];
  maxBodyBytes: number;
  requestTimeoutMs: number;
}

export function chatRoute(deps: ChatRouteDeps) {
  return async (c: Context): Promise<Response> => {
    const id = randomUUID();
    const tracker = deps.router.track({ id, requestedModel: null, stream: false, userAgent: c.req.header('user-agent') ?? null });
    const headers: Record<string, string> = { 'x-request-id': id };
    let deadline: Deadline | undefined;
    try {
      const request = parseChatRequest(await readJsonBody(c, deps.maxBodyBytes));
      if (request instanceof HttpError) throw request;
      const stream = request.stream === true;
      tracker.describe(request);

      const plan = await deps.router.plan(request);
      tracker.classified(plan.classification);
      headers['x-router-category'] = plan.classification.category;
      deadline = new Deadline(c.req.raw.signal, deps.requestTimeoutMs, 'router');

      if (stream) {
        const walked = await walk(() => deps.router.stream(plan, request, deadline!.signal), plan.classification.category, deadline, deps);
        const { target, attempts, value } = walked;
        const d = deadline;
        deadline = undefined; // released when the stream ends
        const events = sseEvents({
          opened: value,
          tracker,
          target: target.id,
          attempts,
          includeUsage: request.stream_options?.include_usage === true,
          signal: d.signal,
          onEnd: () => d.release(),
        });
        try {
          return sendEventStream(c, events, { ...headers, ...routed(target.id, attempts.length) }, () => d.abort('client closed the stream'));
        } catch (error) {
          // The upstream stream is open: never leave it unread, whatever failed here.
          // (The writer never started, so its own cleanup will not run.)
          d.abort('the answer could not be sent');
          await value.rest.return?.().catch(() => undefined);
          throw error;
        }
      }

      const { target, attempts, value } = await walk(() => deps.router.complete(plan, request, deadline!.signal), plan.classification.category, deadline, deps);
      tracker.firstByte();
      tracker.finish({ status: 200, outcome: 'ok', target: target.id, attempts, usage: value.usage, completion: value });
      return sendJson(c, 200, value, { ...headers, ...routed(target.id, attempts.length) });
    } catch (error) {
      return failureResponse(c, error, tracker, headers);
    } finally {
      deadline?.release();
    }
  };
}

async function walk<T>(run: () => Promise<T>, category: string, deadline: Deadline, deps: ChatRouteDeps): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ChainFailure) {
      // The request deadline aborts with a ProviderError (timeout); a departed client with its own reason.
      const deadlineHit = deadline.signal.reason instanceof ProviderError;
      throw chainFailureError(error, category, deadlineHit, deps.providers());
    }
    throw error;
  }
}

function routed(target: string, attempts: number): Record<string, string> {
  return { 'x-router-model': target, 'x-router-attempts': String(attempts) };
}

function failureResponse(c: Context, error: unknown, tracker: RequestTracker, headers: Record<string, string>): Response {
  const httpError =
    error instanceof HttpError
      ? error
      : error instanceof RouteError
        ? new HttpError(error.status, 'invalid_request_error', error.message, error.param, error.code)
        : new HttpError(500, 'server_error', `internal error: ${(error as Error)?.message ?? String(error)}`, null, 'internal_error');
  const attempts = Array.isArray(httpError.extra.attempts) ? httpError.extra.attempts : [];
  tracker.finish({
    status: httpError.status,
    outcome: (httpError.status as number) === 499 ? 'client_closed' : 'error',
    attempts,
    error: httpError.message,
  });
  if (httpError.status === 500) console.error('[router] unexpected error', error);
  return sendJson(c, httpError.status, httpError.body(), { ...headers, 'x-router-attempts': String(attempts.length) });
}
