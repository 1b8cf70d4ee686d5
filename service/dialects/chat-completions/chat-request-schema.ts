// Validation of the parts of a Chat Completions body the gateway depends on. Unknown fields
// are kept (loose objects) so they reach OpenAI-family upstreams unchanged.
import { z } from 'zod';
import type { ChatRequest } from '../../canonical/chat-types.ts';
import { invalidRequest, type HttpError } from '../../http/openai-error.ts';
import { plainlyValidChatRequest } from './chat-request-check.ts';

const part = z.looseObject({ type: z.string() });
const content = z.union([z.string(), z.array(part), z.null()]);

const toolCall = z.looseObject({
  id: z.string(),
  type: z.literal('function').optional(),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

const message = z
  .looseObject({
    role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
    content: content.optional(),
    name: z.string().optional(),
    tool_calls: z.array(toolCall).nullish(),
    tool_call_id: z.string().optional(),
  })
  .superRefine((m, ctx) => {
    if (m.role === 'tool' && !m.tool_call_id) {
      ctx.addIssue({ code: 'custom', path: ['tool_call_id'], message: "a message with role 'tool' needs the tool_call_id it answers" });
    }
    if ((m.role === 'user' || m.role === 'system' || m.role === 'developer') && (m.content === undefined || m.content === null)) {
      ctx.addIssue({ code: 'custom', path: ['content'], message: `a message with role '${m.role}' needs content` });
    }
  });

const tool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});

const toolChoice = z.union([
  z.enum(['auto', 'none', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
]);

/**
 * The model name travels back in response headers (x-router-model) and into upstream requests:
 * printable ASCII only, so no header can be broken by it, and short.
 */
export const modelName = z
  .string()
  .min(1)
  .max(256, 'model names are at most 256 characters')
  .regex(/^[\x20-\x7E]+$/, 'model names are printable ASCII (no control characters, line breaks or non-ASCII letters)');

export const chatRequestSchema = z.looseObject({
  model: modelName,
  messages: z.array(message).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  n: z.number().int().min(1).max(128).nullish(),
});

/** The body as sent (not a copy), once it is known to be a usable chat request. */
export function parseChatRequest(body: unknown): ChatRequest | HttpError {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return invalidRequest('the request body must be a JSON object', null, 'invalid_type');
  }
  // The usual body passes in place; the schema decides (and words the error) for the rest.
  if (plainlyValidChatRequest(body as Record<string, unknown>)) return body as ChatRequest;
  const result = chatRequestSchema.safeParse(body);
  if (result.success) return body as ChatRequest;
  const issue = result.error.issues[0];
  const param = formatPath(issue.path);
  const code = issue.code === 'invalid_type' && issue.input === undefined ? 'missing_required_parameter' : 'invalid_value';
  return invalidRequest(`${param ? `${param}: ` : ''}${issue.message}`, param || null, code);
}

function formatPath(path: PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out;
}
