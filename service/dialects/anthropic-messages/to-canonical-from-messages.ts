// An Anthropic Messages request → the canonical (OpenAI chat) request, for classification and for
// targets that do not speak Anthropic: the reverse of providers/anthropic/convert-to-anthropic-messages.
// Fields only Anthropic understands (thinking, metadata, cache_control on tools, betas) stay behind:
// an Anthropic target gets the client's own body instead.
import type { ChatMessage, ChatRequest, ContentPart, ToolCall, ToolChoice, ToolDefinition } from '../../canonical/chat-types.ts';

/** The Messages body, loosely typed: it is the client's, checked only where it is read. */
export type MessagesBody = Record<string, unknown> & { model: string; messages: unknown[] };

type Block = Record<string, unknown> & { type?: unknown };

/**
 * Anthropic requires max_tokens, and Claude Code sends its model's whole output budget (128,000).
 * A cap that high means "as much as the model can", and most other models refuse it outright (400,
 * which ends the chain), so from here up the cap is left to the target.
 */
export const MODEL_MAXIMUM_CAP = 32_768;

export function toCanonicalFromMessages(body: MessagesBody): ChatRequest {
  const messages: ChatMessage[] = [];
  const system = systemMessage(body.system);
  if (system) messages.push(system);
  for (const message of body.messages) {
    if (!isObject(message)) continue;
    const role = message.role;
    if (role === 'assistant') messages.push(assistantMessage(message.content));
    else if (role === 'system') {
      const mid = systemMessage(message.content);
      if (mid) messages.push(mid);
    } else messages.push(...userMessages(message.content));
  }
  const request: ChatRequest = { model: body.model, messages };
  if (body.stream === true) request.stream = true;
  if (typeof body.max_tokens === 'number' && body.max_tokens < MODEL_MAXIMUM_CAP) request.max_tokens = body.max_tokens;
  if (typeof body.temperature === 'number') request.temperature = body.temperature;
  if (typeof body.top_p === 'number') request.top_p = body.top_p;
  if (Array.isArray(body.stop_sequences) && body.stop_sequences.length > 0) request.stop = body.stop_sequences.filter((s): s is string => typeof s === 'string');
  const tools = toTools(body.tools);
  if (tools.length > 0) {
    request.tools = tools;
    const choice = isObject(body.tool_choice) ? body.tool_choice : undefined;
    const mapped = toToolChoice(choice);
    if (mapped) request.tool_choice = mapped;
    if (choice?.disable_parallel_tool_use === true) request.parallel_tool_calls = false;
  }
  return request;
}

function systemMessage(content: unknown): ChatMessage | undefined {
  if (typeof content === 'string') return content ? { role: 'system', content } : undefined;
  if (!Array.isArray(content)) return undefined;
  const parts = content.filter(isObject).filter((b) => b.type === 'text' && typeof b.text === 'string' && b.text).map(textPart);
  return parts.length > 0 ? { role: 'system', content: parts } : undefined;
}

/** Tool results become `tool` messages, which OpenAI wants right after the assistant turn; the rest of the turn follows. */
function userMessages(content: unknown): ChatMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  if (!Array.isArray(content)) return [];
  const out: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  for (const block of content.filter(isObject)) {
    if (block.type === 'tool_result') out.push(toolMessage(block));
    else {
      const part = inputPart(block);
      if (part) parts.push(part);
    }
  }
  if (parts.length > 0) out.push({ role: 'user', content: parts });
  return out;
}

function toolMessage(block: Block): ChatMessage {
  const id = typeof block.tool_use_id === 'string' ? block.tool_use_id : '';
  const text = typeof block.content === 'string' ? block.content : Array.isArray(block.content) ? block.content.filter(isObject).map(inputPart).filter((p): p is ContentPart => p !== null) : [];
  const content = Array.isArray(text) && text.every((p) => p.type === 'text') ? text.map((p) => (p as { text: string }).text).join('\n') : text;
  // OpenAI has no error flag on a tool result; the model reads it from the text.
  const flagged = block.is_error === true && typeof content === 'string' ? `Error: ${content}` : content;
  return { role: 'tool', tool_call_id: id, content: flagged };
}

function inputPart(block: Block): ContentPart | null {
  switch (block.type) {
    case 'text':
      return typeof block.text === 'string' && block.text ? textPart(block) : null;
    case 'image': {
      const source = isObject(block.source) ? block.source : {};
      if (source.type === 'base64' && typeof source.data === 'string') return { type: 'image_url', image_url: { url: `data:${String(source.media_type ?? 'image/png')};base64,${source.data}` } };
      if (source.type === 'url' && typeof source.url === 'string') return { type: 'image_url', image_url: { url: source.url } };
      return null;
    }
    case 'document': {
      const source = isObject(block.source) ? block.source : {};
      if (source.type === 'base64' && typeof source.data === 'string') {
        return { type: 'file', file: { filename: typeof block.title === 'string' ? block.title : 'document.pdf', file_data: `data:${String(source.media_type ?? 'application/pdf')};base64,${source.data}` } };
      }
      if (source.type === 'text' && typeof source.data === 'string') return { type: 'text', text: source.data };
      return null;
    }
    default:
      // search results, container uploads, server-tool blocks: nothing a chat model reads.
      return null;
  }
}

/** cache_control is left behind: OpenAI-family hosts reject unknown part fields, and Anthropic targets get the client's own body. */
function textPart(block: Block): ContentPart {
  return { type: 'text', text: block.text as string };
}

function assistantMessage(content: unknown): ChatMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  let text = '';
  let reasoning = '';
  const calls: ToolCall[] = [];
  for (const block of Array.isArray(content) ? content.filter(isObject) : []) {
    if (block.type === 'text' && typeof block.text === 'string') text += block.text;
    else if (block.type === 'thinking' && typeof block.thinking === 'string') reasoning += block.thinking;
    else if (block.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string') {
      calls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
    }
  }
  const message: ChatMessage = { role: 'assistant', content: text || null };
  if (calls.length > 0) message.tool_calls = calls;
  if (reasoning) message.reasoning_content = reasoning;
  return message;
}

/** Client tools only: Anthropic's server tools (web_search_…, bash_…, text_editor_…) have no counterpart elsewhere. */
function toTools(tools: unknown): ToolDefinition[] {
  if (!Array.isArray(tools)) return [];
  const out: ToolDefinition[] = [];
  for (const tool of tools.filter(isObject)) {
    if (tool.type !== undefined && tool.type !== 'custom') continue;
    if (typeof tool.name !== 'string' || !tool.name) continue;
    const parameters = isObject(tool.input_schema) ? tool.input_schema : { type: 'object', properties: {} };
    const fn: ToolDefinition['function'] = { name: tool.name, parameters };
    if (typeof tool.description === 'string' && tool.description) fn.description = tool.description;
    out.push({ type: 'function', function: fn });
  }
  return out;
}

function toToolChoice(choice: Block | undefined): ToolChoice | undefined {
  switch (choice?.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return typeof choice.name === 'string' ? { type: 'function', function: { name: choice.name } } : undefined;
    default:
      return undefined;
  }
}

function isObject(value: unknown): value is Block {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
