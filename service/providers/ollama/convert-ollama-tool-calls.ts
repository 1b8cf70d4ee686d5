// Ollama tool calls (arguments as an object, usually no id) → OpenAI tool calls.
import { createHash } from 'node:crypto';
import type { ToolCall } from '../../canonical/chat-types.ts';
import type { OllamaWireToolCall } from './ollama-chat-wire.ts';
import { argumentsJson, optionalId, toolName } from '../answer-shape.ts';

/**
 * `seed` is something fixed about the upstream message that carried the calls (its
 * created_at): the same answer always gets the same ids, two answers practically never share one.
 */
export function convertOllamaToolCall(call: OllamaWireToolCall, index: number, seed: string): ToolCall {
  const fn = call && typeof call === 'object' && call.function && typeof call.function === 'object' ? call.function : undefined;
  const name = toolName(fn?.name);
  const args = argumentsToJson(fn?.arguments);
  const id = optionalId(call?.id) ?? ollamaToolCallId(index, name, args, seed);
  return { id, type: 'function', function: { name, arguments: args } };
}

/** `call_<n>_<hash>`: stable for the same call, so a retried translation does not rename it. */
export function ollamaToolCallId(index: number, name: string, args: string, seed: string): string {
  const hash = createHash('sha256').update(`${seed}\u0000${index}\u0000${name}\u0000${args}`).digest('hex').slice(0, 12);
  return `call_${index}_${hash}`;
}

/** OpenAI carries arguments as a JSON string; Ollama sends an object (checked for depth: see answer-shape.ts). */
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
  return argumentsJson(args);
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
