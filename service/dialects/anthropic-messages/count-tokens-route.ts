// POST /v1/messages/count_tokens: the same body as /v1/messages, answered {"input_tokens": N}.
import type { Context } from 'hono';
import { isGroupRef, type Target } from '../../plan/target.ts';
import { HttpError } from '../../http/openai-error.ts';
import { readJsonBody } from '../../http/read-json-body.ts';
import { sendJson, sendRaw } from '../../http/node-response.ts';
import { RouteError } from '../../plan/chat-router.ts';
import { passesThroughMessages } from '../../providers/chat-provider.ts';
import { estimateUsage } from '../../record/usage-estimate.ts';
import { ChainFailure, DONE, type TargetCall } from '../../walk/chain-walker.ts';
import { toAnthropicError } from './anthropic-error.ts';
import { parseMessagesBody, routingModel } from './messages-request.ts';
import type { MessagesRouteDeps } from './messages-route.ts';
import { toCanonicalFromMessages, type MessagesBody } from './to-canonical-from-messages.ts';

/** POST /v1/messages/count_tokens: an Anthropic target in the chain counts; otherwise the gateway estimates. */
export function countTokensRoute(deps: MessagesRouteDeps) {
  return async function countTokens(c: Context): Promise<Response> {
    try {
      const body = parseMessagesBody(await readJsonBody(c, deps.maxBodyBytes));
      if (body instanceof HttpError) throw body;
      const request = toCanonicalFromMessages({ ...body, model: routingModel(body.model, c.req.header('x-claude-code-request-class'), deps.dialects.requestClassCategories) });
      const plan = await deps.router.plan(request);
      // Only plain targets: a deployment group's members are counted like any other target of theirs.
      const targets = plan.targets.filter((t): t is Target => !isGroupRef(t)).filter((t) => {
        const adapter = deps.providers.get(t.provider)?.adapter;
        return adapter !== undefined && passesThroughMessages(adapter);
      });
      if (targets.length > 0) {
        const call: TargetCall<Uint8Array> = async (adapter, target, signal) => {
          if (!passesThroughMessages(adapter)) throw new Error('count_tokens reached a target that does not speak Anthropic');
          const { max_tokens: _max, stream: _stream, ...countable } = body;
          const answer = await adapter.passThrough({ endpoint: 'count_tokens', betaQuery: c.req.query('beta') === 'true', body: countable as MessagesBody, model: target.model, version: c.req.header('anthropic-version'), beta: c.req.header('anthropic-beta'), signal });
          return { value: answer.body instanceof Uint8Array ? answer.body : new Uint8Array(await new Response(answer.body).arrayBuffer()), done: DONE };
        };
        try {
          const walked = await deps.router.walkWith({ ...plan, targets }, c.req.raw.signal, call, false);
          return sendRaw(c, 200, walked.value, 'application/json', { 'x-router-model': walked.target.id });
        } catch (error) {
          // A request the target refused is the client's to see; a target that is down leaves the estimate.
          if (!(error instanceof ChainFailure) || error.reason === 'request_error' || error.reason === 'aborted') throw countError(error);
        }
      }
      return sendJson(c, 200, { input_tokens: estimateUsage(request, 0).prompt_tokens }, { 'x-router-estimated': 'true' });
    } catch (error) {
      const { status, body } = toAnthropicError(countError(error));
      return sendJson(c, status, body, {});
    }
  };
}

function countError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof RouteError) return new HttpError(error.status, 'invalid_request_error', error.message);
  if (error instanceof ChainFailure) {
    const e = error.lastError;
    return e ? new HttpError(e.status ?? 400, e.type ?? 'invalid_request_error', e.message) : new HttpError(499, 'invalid_request_error', 'the client closed the request');
  }
  return new HttpError(500, 'api_error', `internal error: ${(error as Error)?.message ?? String(error)}`);
}
