// OpenAI messages → Gemini `systemInstruction` + `contents` (roles user/model).
import { contentText, type ChatMessage } from '../../canonical/chat-types.ts';
import type { GeminiContent, GeminiPart } from './gemini-api-types.ts';
import { thoughtSignatureOf } from './convert-gemini-function-call.ts';
import { convertToGeminiUserParts } from './convert-to-gemini-user-parts.ts';

/**
 * Google's documented stand-in for a function call whose signature was lost (a history from
 * another model, or a client that dropped `extra_content`): Gemini 3 otherwise answers 400.
 */
export const SKIP_SIGNATURE = 'skip_thought_signature_validator';

export interface GeminiPrompt {
  systemInstruction?: GeminiContent;
  contents: GeminiContent[];
}

type Turn = 'user' | 'model' | 'tool';

export function convertToGeminiContents(messages: ChatMessage[]): GeminiPrompt {
  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  const turns: Turn[] = [];
  // tool_call_id → function name: Gemini matches results to calls by name.
  const names = new Map<string, string>();

  const add = (turn: Turn, parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    // Runs of one kind form one turn: parallel results answer parallel calls together.
    if (turns.at(-1) === turn) contents.at(-1)!.parts.push(...parts);
    else {
      contents.push({ role: turn === 'model' ? 'model' : 'user', parts });
      turns.push(turn);
    }
  };

  for (const message of messages) {
    switch (message.role) {
      case 'system':
      case 'developer': {
        // Gemini has one system instruction; later system messages join it in order.
        const text = contentText(message.content);
        if (text) system.push({ text });
        break;
      }
      case 'user':
        add('user', convertToGeminiUserParts(message.content));
        break;
      case 'assistant': {
        const parts: GeminiPart[] = [];
        const text = contentText(message.content);
        if (text) parts.push({ text });
        for (const call of message.tool_calls ?? []) {
          names.set(call.id, call.function.name);
          const part: GeminiPart = { functionCall: { name: call.function.name, args: parseArguments(call.function.arguments) } };
          const signature = thoughtSignatureOf(call);
          if (signature) part.thoughtSignature = signature;
          parts.push(part);
        }
        add('model', parts);
        break;
      }
      case 'tool':
      case 'function': {
        const name = (message.tool_call_id && names.get(message.tool_call_id)) || message.name || message.tool_call_id || 'function';
        add('tool', [{ functionResponse: { name, response: toResponse(contentText(message.content)) } }]);
        break;
      }
    }
  }

  for (const [i, content] of contents.entries()) if (turns[i] === 'model') signFirstCall(content);
  if (contents.length === 0 && system.length > 0) {
    // Gemini needs at least one content: a system-only request becomes the user's turn.
    return { contents: [{ role: 'user', parts: system }] };
  }
  return system.length ? { systemInstruction: { parts: system }, contents } : { contents };
}

/** Gemini signs the first call of a step; a step whose signature is lost gets the stand-in. */
function signFirstCall(content: GeminiContent): void {
  const calls = content.parts.filter((p) => p.functionCall);
  if (calls.length > 0 && !calls.some((p) => p.thoughtSignature)) calls[0].thoughtSignature = SKIP_SIGNATURE;
}

/** Arguments are a JSON string on the OpenAI side and an object on Gemini's. */
function parseArguments(text: string): Record<string, unknown> {
  if (!text) return {};
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : { value };
  } catch {
    return { arguments: text };
  }
}

/** A JSON object result travels as is; anything else as `{content: text}`. */
function toResponse(text: string): Record<string, unknown> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const value = JSON.parse(trimmed);
      if (value && typeof value === 'object' && !Array.isArray(value)) return value;
    } catch {
      // plain text that happens to start with a brace
    }
  }
  return { content: text };
}
