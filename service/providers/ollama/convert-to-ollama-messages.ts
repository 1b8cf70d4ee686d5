// OpenAI chat messages → Ollama /api/chat messages.
import type { Message as OllamaMessage, ToolCall as OllamaToolCall } from 'ollama/browser';
import type { ChatMessage, ContentPart, ImagePart } from '../../canonical/chat-types.ts';
import { argumentsToObject } from './convert-ollama-tool-calls.ts';
import { OllamaUnsupportedInputError } from './ollama-unsupported-input.ts';

/**
 * Roles: system/developer → system, user, assistant (tool_calls with object arguments,
 * reasoning_content → thinking), tool and legacy function → tool with `tool_name`.
 * Text parts are joined with newlines (Ollama content is one string); data: URL images go
 * to `images` as bare base64. Anything Ollama cannot receive throws OllamaUnsupportedInputError.
 */
export function convertToOllamaMessages(messages: ChatMessage[]): OllamaMessage[] {
  const toolNames = new Map<string, string>();
  const out: OllamaMessage[] = [];
  for (const message of messages) {
    const converted = convertOne(message, toolNames);
    // OpenAI only allows images on user turns; Ollama takes them on any, so none are dropped.
    const images = imagesOf(message.content);
    if (images.length) converted.images = images;
    out.push(converted);
  }
  return out;
}

function convertOne(message: ChatMessage, toolNames: Map<string, string>): OllamaMessage {
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: textOf(message.content) };
    case 'assistant': {
      const converted: OllamaMessage = { role: 'assistant', content: textOf(message.content) };
      if (typeof message.reasoning_content === 'string' && message.reasoning_content) converted.thinking = message.reasoning_content;
      if (message.tool_calls?.length) {
        converted.tool_calls = message.tool_calls.map((call): OllamaToolCall => {
          toolNames.set(call.id, call.function.name);
          return { function: { name: call.function.name, arguments: argumentsToObject(call.function.arguments) } };
        });
      }
      return converted;
    }
    case 'tool':
    case 'function': {
      // Ollama matches results to calls by name, not id: recover it from the assistant turn that made the call.
      const name = message.name ?? (message.tool_call_id ? toolNames.get(message.tool_call_id) : undefined);
      return { role: 'tool', content: textOf(message.content), ...(name ? { tool_name: name } : {}) };
    }
    default:
      return { role: 'user', content: textOf(message.content) };
  }
}

function textOf(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const part of content) {
    if (part.type === 'text') texts.push(String((part as { text?: unknown }).text ?? ''));
    // An earlier assistant turn's refusal is still what that turn said.
    else if (part.type === 'refusal') texts.push(String((part as { refusal?: unknown }).refusal ?? ''));
    else if (part.type !== 'image_url') unsupportedPart(part);
  }
  return texts.join('\n');
}

function imagesOf(content: ChatMessage['content']): string[] {
  if (!Array.isArray(content)) return [];
  return content.filter((p): p is ImagePart => p.type === 'image_url').map((p) => imageToBase64(p.image_url?.url ?? ''));
}

/** A data: URL → bare base64. Ollama cannot fetch remote URLs, and fetching them here is not this adapter's job. */
export function imageToBase64(url: string): string {
  const match = /^data:([^,]*?),(.*)$/s.exec(url);
  if (!match) {
    throw new OllamaUnsupportedInputError('image_url_unsupported', 'ollama accepts only inline (data: URL) images, not remote image URLs');
  }
  const [, meta, data] = match;
  if (/;base64$/i.test(meta)) return data.replace(/\s+/g, '');
  // Percent-encoded bytes (e.g. an SVG): decode byte by byte, decodeURIComponent would reject non-UTF-8.
  const bytes = data.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('base64');
}

function unsupportedPart(part: ContentPart): never {
  throw new OllamaUnsupportedInputError('content_part_unsupported', `ollama cannot take "${part.type}" content parts`);
}
