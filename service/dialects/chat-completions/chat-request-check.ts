// A fast yes for the Chat Completions bodies clients actually send: the same rules as
// chatRequestSchema, checked in place. Zod's parse builds a copy of every object it checks (for a
// 34 KB agent body, a tenth of the request's CPU and much of its garbage), and the gateway never
// uses that copy. Anything this check does not accept goes to the schema, which decides and words
// the error, so the check may only ever say yes where the schema would (chat-request-check.test.ts).

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);
const TOOL_CHOICES = new Set(['auto', 'none', 'required']);
const PRINTABLE_ASCII = /^[\x20-\x7E]+$/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNullish(value: unknown): boolean {
  return value === null || value === undefined;
}

function optionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

function numberIn(value: unknown, min: number, max: number): boolean {
  return isNullish(value) || (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max);
}

function positiveInt(value: unknown): boolean {
  return isNullish(value) || (typeof value === 'number' && Number.isSafeInteger(value) && value > 0);
}

function contentOk(content: unknown): boolean {
  if (content === undefined || content === null || typeof content === 'string') return true;
  if (!Array.isArray(content)) return false;
  for (const part of content) if (!isObject(part) || typeof part.type !== 'string') return false;
  return true;
}

function toolCallsOk(calls: unknown): boolean {
  if (isNullish(calls)) return true;
  if (!Array.isArray(calls)) return false;
  for (const call of calls) {
    if (!isObject(call) || typeof call.id !== 'string' || (call.type !== undefined && call.type !== 'function')) return false;
    const fn = call.function;
    if (!isObject(fn) || typeof fn.name !== 'string' || typeof fn.arguments !== 'string') return false;
  }
  return true;
}

function messageOk(m: unknown): boolean {
  if (!isObject(m) || typeof m.role !== 'string' || !ROLES.has(m.role)) return false;
  if (!contentOk(m.content) || !optionalString(m.name) || !optionalString(m.tool_call_id) || !toolCallsOk(m.tool_calls)) return false;
  if (m.role === 'tool' && !m.tool_call_id) return false;
  if ((m.role === 'user' || m.role === 'system' || m.role === 'developer') && isNullish(m.content)) return false;
  return true;
}

function toolOk(tool: unknown): boolean {
  if (!isObject(tool) || tool.type !== 'function') return false;
  const fn = tool.function;
  if (!isObject(fn) || typeof fn.name !== 'string' || fn.name.length === 0 || !optionalString(fn.description)) return false;
  return fn.parameters === undefined || isObject(fn.parameters);
}

function toolChoiceOk(choice: unknown): boolean {
  if (choice === undefined) return true;
  if (typeof choice === 'string') return TOOL_CHOICES.has(choice);
  return isObject(choice) && choice.type === 'function' && isObject(choice.function) && typeof choice.function.name === 'string';
}

function stopOk(stop: unknown): boolean {
  if (isNullish(stop) || typeof stop === 'string') return true;
  return Array.isArray(stop) && stop.every((s) => typeof s === 'string');
}

/** True only for a body chatRequestSchema accepts; false means "ask the schema". */
export function plainlyValidChatRequest(body: Json): boolean {
  const { model, messages, tools } = body;
  if (typeof model !== 'string' || model.length === 0 || model.length > 256 || !PRINTABLE_ASCII.test(model)) return false;
  if (!Array.isArray(messages) || messages.length === 0) return false;
  for (const m of messages) if (!messageOk(m)) return false;
  if (tools !== undefined) {
    if (!Array.isArray(tools)) return false;
    for (const tool of tools) if (!toolOk(tool)) return false;
  }
  const options = body.stream_options;
  if (!isNullish(options) && (!isObject(options) || (options.include_usage !== undefined && typeof options.include_usage !== 'boolean'))) return false;
  return (
    (isNullish(body.stream) || typeof body.stream === 'boolean') &&
    toolChoiceOk(body.tool_choice) &&
    numberIn(body.temperature, 0, 2) &&
    numberIn(body.top_p, 0, 1) &&
    positiveInt(body.max_tokens) &&
    positiveInt(body.max_completion_tokens) &&
    stopOk(body.stop) &&
    (isNullish(body.n) || (typeof body.n === 'number' && Number.isSafeInteger(body.n) && body.n >= 1 && body.n <= 128))
  );
}
