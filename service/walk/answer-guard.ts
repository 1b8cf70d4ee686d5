// Every answer an adapter hands back passes here before anything else reads it: upstream
// values are untrusted input. A shape the gateway could not deliver or account for is the
// upstream's fault (the walk fails over); stray values it can live with are normalised, so
// nothing further in (usage estimates, the request log, the SSE writer) can trip on them.
import type { ChatCompletion, ChatCompletionChunk, Usage } from '../canonical/chat-types.ts';
import { dropRawJson } from '../canonical/chat-types.ts';

/** Deeper than any answer a provider sends; deep enough to bound re-serialisation's stack. */
export const MAX_ANSWER_DEPTH = 64;

export class InvalidAnswer extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAnswer';
  }
}

/** The upstream reported an error inside a 200 stream (`data: {"error": {...}}`). */
export class StreamErrorEvent extends Error {
  readonly error: Record<string, unknown>;

  constructor(error: Record<string, unknown>) {
    super(typeof error.message === 'string' && error.message ? error.message : 'upstream reported an error in the stream');
    this.error = error;
    this.name = 'StreamErrorEvent';
  }
}

export function guardCompletion(value: unknown): ChatCompletion {
  if (!isObject(value)) throw new InvalidAnswer('upstream answer is not a JSON object');
  if (isObject(value.error) && value.choices === undefined) throw new StreamErrorEvent(value.error);
  checkDepth(value);
  const choices = value.choices;
  if (!Array.isArray(choices)) throw new InvalidAnswer('upstream answer has no choices array');
  for (const choice of choices) {
    if (!isObject(choice) || !isObject(choice.message)) throw new InvalidAnswer('upstream answer has a choice without a message');
    const message = choice.message;
    if (message.content !== undefined && message.content !== null && typeof message.content !== 'string') throw new InvalidAnswer('upstream message content is not a string');
    checkToolCalls(message.tool_calls, true);
  }
  if (value.usage !== undefined) value.usage = normaliseUsage(value.usage);
  return value as unknown as ChatCompletion;
}

export function guardChunk(value: unknown): ChatCompletionChunk {
  if (!isObject(value)) throw new InvalidAnswer('upstream stream chunk is not a JSON object');
  if (isObject(value.error)) throw new StreamErrorEvent(value.error);
  checkDepth(value);
  if (value.choices === undefined || value.choices === null) {
    // Some hosts leave `choices` out of a usage-only chunk; clients need the array.
    value.choices = [];
    dropRawJson(value);
  } else if (!Array.isArray(value.choices)) throw new InvalidAnswer('upstream stream chunk has a non-array choices');
  for (const choice of value.choices as unknown[]) {
    if (!isObject(choice)) throw new InvalidAnswer('upstream stream chunk has a choice that is not an object');
    const delta = choice.delta;
    if (delta === undefined || delta === null) continue;
    if (!isObject(delta)) throw new InvalidAnswer('upstream stream delta is not an object');
    for (const field of ['content', 'reasoning_content', 'refusal'] as const) {
      const text = delta[field];
      if (text !== undefined && text !== null && typeof text !== 'string') throw new InvalidAnswer(`upstream stream delta ${field} is not a string`);
    }
    checkToolCalls(delta.tool_calls, false);
  }
  if (value.usage !== undefined) value.usage = normaliseUsage(value.usage);
  return value as unknown as ChatCompletionChunk;
}

/** Token counts as finite, non-negative numbers; anything else is dropped. No usable count → null. */
export function normaliseUsage(raw: unknown): Usage | null {
  if (!isObject(raw)) return null;
  const prompt = count(raw.prompt_tokens);
  const completion = count(raw.completion_tokens);
  if (prompt === undefined && completion === undefined) return null;
  const usage: Usage = { ...raw, prompt_tokens: prompt ?? 0, completion_tokens: completion ?? 0, total_tokens: count(raw.total_tokens) ?? (prompt ?? 0) + (completion ?? 0) };
  const cached = isObject(raw.prompt_tokens_details) ? count(raw.prompt_tokens_details.cached_tokens) : undefined;
  usage.prompt_tokens_details = cached === undefined ? null : { ...(raw.prompt_tokens_details as object), cached_tokens: cached };
  const reasoning = isObject(raw.completion_tokens_details) ? count(raw.completion_tokens_details.reasoning_tokens) : undefined;
  usage.completion_tokens_details = reasoning === undefined ? null : { ...(raw.completion_tokens_details as object), reasoning_tokens: reasoning };
  const cost = raw.cost;
  if (cost !== undefined) {
    if (typeof cost === 'number' && Number.isFinite(cost) && cost >= 0) usage.cost = cost;
    else delete usage.cost;
  }
  return usage;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function checkToolCalls(calls: unknown, complete: boolean): void {
  if (calls === undefined || calls === null) return;
  if (!Array.isArray(calls)) throw new InvalidAnswer('upstream tool_calls is not an array');
  for (const call of calls) {
    if (!isObject(call)) throw new InvalidAnswer('upstream tool call is not an object');
    const fn = call.function;
    if (complete) {
      if (!isObject(fn) || typeof fn.name !== 'string' || !fn.name) throw new InvalidAnswer('upstream tool call has no function name');
      if (typeof fn.arguments !== 'string') throw new InvalidAnswer('upstream tool call arguments are not a string');
      if (typeof call.id !== 'string') throw new InvalidAnswer('upstream tool call has no id');
    } else {
      // Every delta of a call carries `function` (its arguments so far); the one that opens it, with an id, also its name.
      if (!isObject(fn)) throw new InvalidAnswer('upstream tool call delta has no function');
      if (fn.name !== undefined && fn.name !== null && typeof fn.name !== 'string') throw new InvalidAnswer('upstream tool call name is not a string');
      if (fn.arguments !== undefined && fn.arguments !== null && typeof fn.arguments !== 'string') throw new InvalidAnswer('upstream tool call arguments are not a string');
      if (call.id !== undefined && call.id !== null) {
        if (typeof call.id !== 'string') throw new InvalidAnswer('upstream tool call id is not a string');
        if (typeof fn.name !== 'string' || !fn.name) throw new InvalidAnswer('upstream tool call opens without a function name');
      }
    }
  }
}

/** Iterative, so a hostile depth cannot overflow the stack here either. */
function checkDepth(root: object): void {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > MAX_ANSWER_DEPTH) throw new InvalidAnswer(`upstream answer is nested deeper than ${MAX_ANSWER_DEPTH} levels`);
    if (Array.isArray(node)) {
      for (const item of node) if (typeof item === 'object' && item !== null) stack.push([item, depth + 1]);
    } else {
      for (const key in node as Record<string, unknown>) {
        const item = (node as Record<string, unknown>)[key];
        if (typeof item === 'object' && item !== null) stack.push([item, depth + 1]);
      }
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
