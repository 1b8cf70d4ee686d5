// The content of a user (or system) message → Gemini parts: text, images, audio and files.
import type { ChatMessage, ContentPart } from '../../canonical/chat-types.ts';
import type { GeminiPart } from './gemini-api-types.ts';

const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  mp3: 'audio/mp3',
  wav: 'audio/wav',
  mp4: 'video/mp4',
};

export function convertToGeminiUserParts(content: ChatMessage['content']): GeminiPart[] {
  if (typeof content === 'string') return content ? [{ text: content }] : [];
  if (!Array.isArray(content)) return [];
  const parts: GeminiPart[] = [];
  for (const part of content) {
    const converted = convertPart(part);
    if (converted) parts.push(converted);
  }
  return parts;
}

function convertPart(part: ContentPart): GeminiPart | undefined {
  if (!part || typeof part !== 'object') return undefined;
  const record = part as Record<string, any>;
  switch (part.type) {
    case 'text':
      return typeof record.text === 'string' && record.text ? { text: record.text } : undefined;
    case 'image_url':
      return urlPart(typeof record.image_url === 'string' ? record.image_url : record.image_url?.url);
    case 'input_audio': {
      const data = record.input_audio?.data;
      const format = record.input_audio?.format;
      return typeof data === 'string' ? { inlineData: { mimeType: `audio/${format === 'mp3' ? 'mp3' : 'wav'}`, data } } : undefined;
    }
    case 'file': {
      const file = record.file ?? {};
      if (typeof file.file_data === 'string') return urlPart(file.file_data.startsWith('data:') ? file.file_data : `data:${guessMime(file.filename ?? '') ?? 'application/pdf'};base64,${file.file_data}`);
      // An OpenAI file id means nothing to Gemini; say what was there rather than drop it silently.
      return typeof file.file_id === 'string' ? { text: `[file ${file.filename ?? file.file_id} not available to this model]` } : undefined;
    }
    default:
      return undefined;
  }
}

/** data: URLs travel inline; other URLs by reference when their type can be told, else as a note. */
function urlPart(url: unknown): GeminiPart | undefined {
  if (typeof url !== 'string' || !url) return undefined;
  const data = /^data:([^;,]+)?((?:;[^;,]*)*?);base64,(.*)$/s.exec(url);
  if (data) return { inlineData: { mimeType: data[1] || 'application/octet-stream', data: data[3] } };
  const mimeType = guessMime(url);
  if (mimeType) return { fileData: { mimeType, fileUri: url } };
  return { text: `[image: ${url}]` };
}

function guessMime(url: string): string | undefined {
  let pathname = url;
  try {
    pathname = new URL(url).pathname;
  } catch {
    // a bare file name
  }
  const extension = /\.([a-z0-9]+)$/i.exec(pathname)?.[1]?.toLowerCase();
  return extension ? MIME_BY_EXTENSION[extension] : undefined;
}
