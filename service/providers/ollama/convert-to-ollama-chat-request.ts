// An OpenAI chat request → the body of Ollama's /api/chat (without `stream`, which the adapter sets).
import type { ChatRequest as OllamaChatRequest, Options as OllamaOptions, Tool as OllamaTool } from 'ollama/browser';
import type { ChatRequest, ToolDefinition } from '../../canonical/chat-types.ts';
import { convertToOllamaMessages } from './convert-to-ollama-messages.ts';

export type OllamaChatBody = Omit<OllamaChatRequest, 'stream'>;

/** Per-provider defaults from ROUTER_CONFIG `options` (e.g. `{"num_ctx": 32768, "keep_alive": "10m"}`). */
export interface OllamaDefaults {
  keep_alive?: string | number;
  /** Ollama `options` the request does not set itself (num_ctx, num_gpu, …). */
  options?: Partial<OllamaOptions>;
}

export function convertToOllamaChatRequest(request: ChatRequest, model: string, defaults: OllamaDefaults = {}): OllamaChatBody {
  const body: OllamaChatBody = { model, messages: convertToOllamaMessages(request.messages) };
  const tools = selectTools(request);
  if (tools.length) body.tools = tools.map(toOllamaTool);
  const options = { ...defaults.options, ...samplingOptions(request) };
  if (Object.keys(options).length) body.options = options;
  const format = formatOf(request.response_format);
  if (format !== undefined) body.format = format;
  const think = thinkOf(request);
  if (think !== undefined) body.think = think;
  if (defaults.keep_alive !== undefined) body.keep_alive = defaults.keep_alive;
  return body;
}

/**
 * Ollama has no tool_choice. "none" sends no tools (the model cannot call one); a named
 * function sends only that tool; "required" cannot be enforced and sends them all.
 */
export function selectTools(request: ChatRequest): ToolDefinition[] {
  const tools = request.tools?.length ? request.tools : legacyFunctions(request.functions);
  const choice = request.tool_choice;
  if (choice === 'none') return [];
  if (choice && typeof choice === 'object' && choice.function?.name) {
    const named = tools.filter((t) => t.function.name === choice.function.name);
    if (named.length) return named;
  }
  return tools;
}

function legacyFunctions(functions: unknown[] | undefined): ToolDefinition[] {
  if (!Array.isArray(functions)) return [];
  return functions
    .filter((f): f is ToolDefinition['function'] => typeof f === 'object' && f !== null && typeof (f as { name?: unknown }).name === 'string')
    .map((f) => ({ type: 'function' as const, function: f }));
}

function toOllamaTool(tool: ToolDefinition): OllamaTool {
  // Same JSON Schema function shape; `strict` has no Ollama meaning and is left out.
  const { name, description, parameters } = tool.function;
  return {
    type: 'function',
    function: {
      name,
      ...(description !== undefined ? { description } : {}),
      parameters: (parameters ?? { type: 'object', properties: {} }) as OllamaTool['function']['parameters'],
    },
  };
}

function samplingOptions(request: ChatRequest): Partial<OllamaOptions> {
  const options: Partial<OllamaOptions> = {};
  if (typeof request.temperature === 'number') options.temperature = request.temperature;
  if (typeof request.top_p === 'number') options.top_p = request.top_p;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (typeof maxTokens === 'number') options.num_predict = maxTokens;
  if (typeof request.stop === 'string') options.stop = [request.stop];
  else if (Array.isArray(request.stop) && request.stop.length) options.stop = request.stop;
  if (typeof request.seed === 'number') options.seed = request.seed;
  if (typeof request.frequency_penalty === 'number') options.frequency_penalty = request.frequency_penalty;
  if (typeof request.presence_penalty === 'number') options.presence_penalty = request.presence_penalty;
  return options;
}

/** json_object → "json"; json_schema → the schema object itself (Ollama's structured outputs). */
export function formatOf(responseFormat: unknown): string | object | undefined {
  if (typeof responseFormat !== 'object' || responseFormat === null) return undefined;
  const format = responseFormat as { type?: unknown; json_schema?: { schema?: unknown } };
  if (format.type === 'json_object') return 'json';
  if (format.type === 'json_schema') {
    const schema = format.json_schema?.schema;
    return typeof schema === 'object' && schema !== null ? schema : 'json';
  }
  return undefined;
}

/**
 * reasoning_effort (or OpenRouter-style reasoning.effort) → think, as Ollama's own OpenAI
 * layer does: "none" turns thinking off, low/medium/high pass through (gpt-oss uses the
 * level, other thinking models treat it as on). minimal → low and xhigh → high, which
 * Ollama would otherwise reject. A client's native `think` wins.
 */
export function thinkOf(request: ChatRequest): OllamaChatRequest['think'] | undefined {
  const native = request.think;
  if (typeof native === 'boolean' || native === 'low' || native === 'medium' || native === 'high') return native;
  const reasoning = request.reasoning as { effort?: unknown } | undefined;
  const effort = request.reasoning_effort ?? reasoning?.effort;
  switch (effort) {
    case 'none':
      return false;
    case 'minimal':
    case 'low':
      return 'low';
    case 'medium':
      return 'medium';
    case 'high':
    case 'xhigh':
      return 'high';
    default:
      return undefined;
  }
}
