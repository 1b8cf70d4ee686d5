// An OpenAI Responses request → the canonical (chat completions) request. Input items become
// chat messages: message items by role, function_call items as the assistant's tool calls,
// function_call_output items as tool messages; `instructions` leads as the system message.
// Items with no chat counterpart (reasoning, item references, hosted-tool calls) are left out.
import type { ChatMessage, ChatRequest, ContentPart, ToolCall, ToolChoice, ToolDefinition } from '../../canonical/chat-types.ts';

export type ResponsesBody = Record<string, unknown> & { model: string };

/** One input or output item, loosely typed: it is the client's (or our stored copy of one). */
export type ResponseItem = Record<string, unknown> & { type?: unknown };

/** The request's input as a list of items (a string is one user message). */
export function inputItems(input: unknown): ResponseItem[] {
  if (typeof input === 'string') return [{ type: 'message', role: 'user', content: input }];
  return Array.isArray(input) ? input.filter(isObject) : [];
}

/** `history` is what previous_response_id names: earlier input and output items, in order. */
export function toCanonicalFromResponses(body: ResponsesBody, history: ResponseItem[] = []): ChatRequest {
  const messages: ChatMessage[] = [];
  if (typeof body.instructions === 'string' && body.instructions) messages.push({ role: 'system', content: body.instructions });
  for (const item of [...history, ...inputItems(body.input)]) addItem(messages, item);

  const request: ChatRequest = { model: body.model, messages };
  if (body.stream === true) request.stream = true;
  if (typeof body.max_output_tokens === 'number') request.max_tokens = body.max_output_tokens;
  if (typeof body.temperature === 'number') request.temperature = body.temperature;
  if (typeof body.top_p === 'number') request.top_p = body.top_p;
  const tools = toTools(body.tools);
  if (tools.length > 0) {
    request.tools = tools;
    const choice = toToolChoice(body.tool_choice);
    if (choice) request.tool_choice = choice;
    if (typeof body.parallel_tool_calls === 'boolean') request.parallel_tool_calls = body.parallel_tool_calls;
  }
  const format = isObject(body.text) && isObject(body.text.format) ? body.text.format : undefined;
  if (format?.type === 'json_schema' && isObject(format.schema)) {
    request.response_format = { type: 'json_schema', json_schema: { name: typeof format.name === 'string' ? format.name : 'response', schema: format.schema, ...(typeof format.strict === 'boolean' ? { strict: format.strict } : {}) } };
  } else if (format?.type === 'json_object') request.response_format = { type: 'json_object' };
  const effort = isObject(body.reasoning) ? body.reasoning.effort : undefined;
  if (typeof effort === 'string') request.reasoning_effort = effort;
  return request;
}

function addItem(messages: ChatMessage[], item: ResponseItem): void {
  const type = item.type ?? (item.role ? 'message' : undefined);
  switch (type) {
    case 'message': {
      const role = item.role === 'assistant' ? 'assistant' : item.role === 'system' || item.role === 'developer' ? 'system' : 'user';
      const content = toContent(item.content);
      if (role === 'assistant') {
        const text = typeof content === 'string' ? content : content.map((p) => (p as { text?: string }).text ?? '').join('');
        const turn = assistantTurn(messages);
        turn.content = `${turn.content ?? ''}${text}` || null;
      } else messages.push({ role, content });
      return;
    }
    case 'function_call': {
      const call: ToolCall = { id: String(item.call_id ?? item.id ?? ''), type: 'function', function: { name: String(item.name ?? ''), arguments: typeof item.arguments === 'string' ? item.arguments : '{}' } };
      const turn = assistantTurn(messages);
      turn.tool_calls = [...(turn.tool_calls ?? []), call];
      return;
    }
    case 'function_call_output': {
      const output = item.output;
      const content = typeof output === 'string' ? output : Array.isArray(output) ? toContent(output) : JSON.stringify(output ?? '');
      messages.push({ role: 'tool', tool_call_id: String(item.call_id ?? ''), content });
      return;
    }
    default:
      // reasoning (opaque to other providers), item_reference, hosted tool calls.
      return;
  }
}

/** The assistant turn an assistant item joins: the last message when it is the assistant's, else a new one. */
function assistantTurn(messages: ChatMessage[]): ChatMessage {
  const last = messages.at(-1);
  if (last?.role === 'assistant') return last;
  const turn: ChatMessage = { role: 'assistant', content: null };
  messages.push(turn);
  return turn;
}

function toContent(content: unknown): string | ContentPart[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: ContentPart[] = [];
  for (const part of content.filter(isObject)) {
    switch (part.type) {
      case 'input_text':
      case 'output_text':
      case 'text':
        if (typeof part.text === 'string') parts.push({ type: 'text', text: part.text });
        break;
      case 'refusal':
        if (typeof part.refusal === 'string') parts.push({ type: 'text', text: part.refusal });
        break;
      case 'input_image': {
        const url = typeof part.image_url === 'string' ? part.image_url : undefined;
        if (url) parts.push({ type: 'image_url', image_url: { url, ...(part.detail === 'low' || part.detail === 'high' || part.detail === 'auto' ? { detail: part.detail } : {}) } });
        break;
      }
      case 'input_file':
        if (typeof part.file_data === 'string') parts.push({ type: 'file', file: { filename: typeof part.filename === 'string' ? part.filename : 'file', file_data: part.file_data } });
        break;
      default:
        break;
    }
  }
  return parts;
}

/** Function tools only: hosted tools (web_search, file_search, namespaces of another client's own) have no chat counterpart. */
function toTools(tools: unknown): ToolDefinition[] {
  if (!Array.isArray(tools)) return [];
  const out: ToolDefinition[] = [];
  for (const tool of tools.filter(isObject)) {
    if (tool.type !== 'function' || typeof tool.name !== 'string' || !tool.name) continue;
    const fn: ToolDefinition['function'] = { name: tool.name, parameters: isObject(tool.parameters) ? tool.parameters : { type: 'object', properties: {} } };
    if (typeof tool.description === 'string' && tool.description) fn.description = tool.description;
    if (typeof tool.strict === 'boolean') fn.strict = tool.strict;
    out.push({ type: 'function', function: fn });
  }
  return out;
}

function toToolChoice(choice: unknown): ToolChoice | undefined {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (isObject(choice) && choice.type === 'function' && typeof choice.name === 'string') return { type: 'function', function: { name: choice.name } };
  return undefined;
}

function isObject(value: unknown): value is ResponseItem {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
