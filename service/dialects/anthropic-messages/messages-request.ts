// Reading a Messages request: the few checks the body must pass before anything routes it, and
// the model the gateway routes by. Claude Code names Anthropic models ("claude-…"); those are the
// client's choice of a model, not a gateway target, so they are classified like "router".
import type { HttpError } from '../../http/openai-error.ts';
import { invalidRequest } from '../../http/openai-error.ts';
import type { MessagesBody } from './to-canonical-from-messages.ts';

export function parseMessagesBody(value: unknown): MessagesBody | HttpError {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalidRequest('the request body must be a JSON object');
  const body = value as Record<string, unknown>;
  if (typeof body.model !== 'string' || body.model.trim() === '') return invalidRequest('model: Field required', 'model');
  if (!Array.isArray(body.messages)) return invalidRequest('messages: Field required', 'messages');
  for (const [i, message] of body.messages.entries()) {
    const m = message as { role?: unknown; content?: unknown } | null;
    if (typeof m !== 'object' || m === null) return invalidRequest(`messages.${i}: Input should be an object`, 'messages');
    if (m.role !== 'user' && m.role !== 'assistant' && m.role !== 'system') return invalidRequest(`messages.${i}.role: Input should be 'user' or 'assistant'`, 'messages');
    if (typeof m.content !== 'string' && !Array.isArray(m.content)) return invalidRequest(`messages.${i}.content: Input should be a valid string or list`, 'messages');
  }
  if (body.stream !== undefined && typeof body.stream !== 'boolean') return invalidRequest('stream: Input should be a valid boolean', 'stream');
  return body as MessagesBody;
}

/**
 * The model to route by. Gateway names (router, auto, router/<category>, provider/model) are kept;
 * any other name is classified. A Claude Code request class the operator mapped to a category
 * (ROUTER_CONFIG dialects.claudeCodeRequestClasses) forces that category unless a target was named.
 */
export function routingModel(model: string, requestClass: string | undefined, classCategories: Record<string, string>): string {
  const named = model.includes('/') && !model.startsWith('router/');
  const category = requestClass ? classCategories[requestClass.trim().toLowerCase()] : undefined;
  if (category && !named) return `router/${category}`;
  if (model === 'router' || model === 'auto' || model.includes('/')) return model;
  return 'router';
}
