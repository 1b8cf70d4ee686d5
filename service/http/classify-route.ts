// POST /v1/classify: what the router would do with a chat request, without calling upstream.
import type { Context } from 'hono';
import { RouteError, type ChatRouter } from '../plan/chat-router.ts';
import { parseChatRequest } from '../dialects/chat-completions/chat-request-schema.ts';
import { HttpError, errorResponse } from './openai-error.ts';
import { readJsonBody } from './read-json-body.ts';

export function classifyRoute(router: ChatRouter, maxBodyBytes: number) {
  return async (c: Context): Promise<Response> => {
    try {
      const body = await readJsonBody(c, maxBodyBytes);
      // The model field is optional here: a bare {messages} asks "what would `router` do?".
      const withModel = body && typeof body === 'object' && !Array.isArray(body) && !('model' in body) ? { ...body, model: 'router' } : body;
      const request = parseChatRequest(withModel);
      if (request instanceof HttpError) return errorResponse(c, request);
      const plan = await router.plan(request);
      return c.json({ ...plan.classification, chain: plan.targets.map((t) => t.id) });
    } catch (error) {
      if (error instanceof HttpError) return errorResponse(c, error);
      if (error instanceof RouteError) return errorResponse(c, new HttpError(error.status, 'invalid_request_error', error.message, error.param, error.code));
      throw error;
    }
  };
}
