// What an upstream answer must look like before a translator turns it into an OpenAI answer.
// The SDKs parse JSON but check no shapes, so a host can send a tool call without a name, text
// that is an object, or arguments nested 100k deep (which overflows the stack where the answer
// is serialised again, after the upstream has billed). Such an answer is the upstream's fault:
// the translators throw UndeliverableAnswerError, each adapter's error mapper makes it a
// retryable ProviderError 'invalid-response', and the chain moves on.
import { ProviderError } from './provider-error.ts';

/** Deeper than this, a value is not a tool call's arguments but an attack or a broken host. */
export const MAX_ANSWER_DEPTH = 64;
const MAX_TOOL_NAME_LENGTH = 256;

export class UndeliverableAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UndeliverableAnswerError';
  }

  toProviderError(provider: string): ProviderError {
    return new ProviderError({ provider, kind: 'invalid-response', retryable: true, code: 'undeliverable_answer', message: `the upstream answer cannot be delivered: ${this.message}`, cause: this });
  }
}

/** A tool call's function name: a non-empty string of sane length. */
export function toolName(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw new UndeliverableAnswerError('a tool call has no function name');
  if (value.length > MAX_TOOL_NAME_LENGTH) throw new UndeliverableAnswerError(`a tool call's function name is longer than ${MAX_TOOL_NAME_LENGTH} characters`);
  return value;
}

/** A tool call id when the upstream gave a usable one, else undefined (the translator makes one). */
export function optionalId(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= 512 ? value : undefined;
}

/** Text the upstream sent: a string, or nothing (null/undefined → ''); any other type is refused. */
export function textOf(value: unknown, what: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new UndeliverableAnswerError(`${what} is ${describeType(value)}, not text`);
  return value;
}

/** A string field the answer names itself by (id, model): used when it is one, else the fallback. */
export function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value ? value : fallback;
}

/** Tool arguments given as a JSON value (Anthropic `input`, Gemini `args`, Ollama `arguments`) → JSON text. */
export function argumentsJson(value: unknown): string {
  if (value === undefined || value === null) return '{}';
  assertDepth(value, 'tool call arguments');
  return JSON.stringify(value);
}

/** Throws when `value` nests deeper than MAX_ANSWER_DEPTH; walks without recursion, so the check cannot overflow itself. */
export function assertDepth(value: unknown, what: string, max = MAX_ANSWER_DEPTH): void {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) throw new UndeliverableAnswerError(`${what} nest deeper than ${max} levels`);
    for (const child of Array.isArray(node) ? node : Object.values(node)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : `a ${typeof value}`;
}
