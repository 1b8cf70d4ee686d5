// Ollama tool calls (arguments as an object, usually no id) → OpenAI tool calls.
import { createHash } from 'node:crypto';
import type { ToolCall } from '../../canonical/chat-types.ts';
import type { OllamaWireToolCall } from './ollama-chat-wire.ts';

/**
 * `seed` is something fixed about the upstream message that carried the calls (its
 * created_at): the same answer always gets the same ids, two answers practically never share one.
 */
export function convertOllamaToolCall(call: OllamaWireToolCall, index: number, seed: string): ToolCall {
  const name = call.function?.name ?? '';
  const args = argumentsToJson(call.function?.arguments);
  const id = typeof call.id === 'string' && call.id ? call.id : ollamaToolCallId(index, name, args, seed);
  return { id, type: 'function', function: { name, arguments: args } };
}

/** `call_<n>_<hash>`: stable for the same call, so a retried translation does not rename it. */
export function ollamaToolCallId(index: number, name: string, args: string, seed: string): string {
  const hash = createHash('sha256').update(`${seed}\u0000${index}\u0000${name}\u0000${args}`).digest('hex').slice(0, 12);
  return `call_${index}_${hash}`;
}

/** OpenAI carries arguments as a JSON string; Ollama sends an object. */
export function argumentsToJson(args: unknown): string {
  if (args === undefined || args === null) return '{}';
  if (typeof args === 'string') {
    // Some OpenAI-minded servers already send a string; keep it when it is JSON.
    try {
      JSON.parse(args);
      return args;
    } catch {
      return JSON.stringify(args);
    }
  }
  return JSON.stringify(args);
}

/** OpenAI's JSON-string arguments → the object Ollama wants; anything unparseable or not an object → {}. */
export function argumentsToObject(args: string | undefined): Record<string, unknown> {
  if (!args) return {};
  try {
    const parsed: unknown = JSON.parse(args);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
