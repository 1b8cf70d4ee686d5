// OpenAI content parts → Anthropic content blocks (text, image, PDF document).
import type Anthropic from '@anthropic-ai/sdk';
import type { ChatMessage, ContentPart } from '../../canonical/chat-types.ts';

export type AnthropicInputBlock = Anthropic.TextBlockParam | Anthropic.ImageBlockParam | Anthropic.DocumentBlockParam;

/**
 * Blocks for a user/tool message's content. Empty text is dropped (the API rejects empty
 * text blocks); parts with no Anthropic equivalent (input_audio, file ids) are skipped.
 */
export function convertToAnthropicContent(content: ChatMessage['content']): AnthropicInputBlock[] {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  if (!Array.isArray(content)) return [];
  const blocks: AnthropicInputBlock[] = [];
  for (const part of content) {
    const block = convertPart(part);
    if (block) blocks.push(block);
  }
  return blocks;
}

function convertPart(part: ContentPart): AnthropicInputBlock | null {
  if (!part || typeof part !== 'object') return null;
  const cache = cacheControlOf(part);
  switch (part.type) {
    case 'text':
    case 'refusal': {
      const text = part.type === 'text' ? part.text : (part as { refusal?: unknown }).refusal;
      return typeof text === 'string' && text ? { type: 'text', text, ...cache } : null;
    }
    case 'image_url': {
      const url = (part as { image_url?: { url?: unknown } }).image_url?.url;
      return typeof url === 'string' && url ? { type: 'image', source: imageSource(url), ...cache } : null;
    }
    case 'file': {
      // OpenAI's inline file part; only PDFs have a document block to go to.
      const file = (part as { file?: { file_data?: unknown; filename?: unknown } }).file;
      const data = typeof file?.file_data === 'string' ? parseDataUrl(file.file_data) : null;
      if (!data || data.mediaType !== 'application/pdf') return null;
      const title = typeof file?.filename === 'string' ? { title: file.filename } : {};
      return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: data.base64 }, ...title, ...cache };
    }
    default:
      return null;
  }
}

/** data: URLs travel inline as base64; anything else is fetched by Anthropic from the URL. */
export function imageSource(url: string): Anthropic.ImageBlockParam['source'] {
  const data = parseDataUrl(url);
  if (!data) return { type: 'url', url };
  // The media type is passed as given: Anthropic names the unsupported ones in its 400.
  return { type: 'base64', media_type: data.mediaType as Anthropic.Base64ImageSource['media_type'], data: data.base64 };
}

export interface DataUrl {
  mediaType: string;
  base64: string;
}

/** Parses `data:[<type>][;params][;base64],<data>`; percent-encoded payloads are re-encoded as base64. */
export function parseDataUrl(url: string): DataUrl | null {
  const match = /^data:([^,]*?),(.*)$/s.exec(url);
  if (!match) return null;
  const [type = '', ...params] = match[1].split(';');
  const isBase64 = params.some((p) => p.trim().toLowerCase() === 'base64');
  let payload = match[2];
  if (!isBase64) {
    try {
      payload = Buffer.from(decodeURIComponent(payload), 'utf8').toString('base64');
    } catch {
      payload = Buffer.from(payload, 'utf8').toString('base64');
    }
  }
  return { mediaType: type.trim().toLowerCase() || 'text/plain', base64: payload };
}

/** OpenAI-compatible clients that target Anthropic (OpenRouter style) mark prompt-cache breakpoints on parts. */
export function cacheControlOf(part: object): { cache_control?: Anthropic.CacheControlEphemeral } {
  const value = (part as { cache_control?: unknown }).cache_control;
  if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'ephemeral') {
    return { cache_control: value as Anthropic.CacheControlEphemeral };
  }
  return {};
}
