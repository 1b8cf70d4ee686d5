// A stored answer serves either kind of request: a chunk sequence folds into one completion, and a
// completion unfolds into chunks. Both carry text, refusal, reasoning (reasoning_content and
// OpenRouter's reasoning), tool calls, finish reasons, usage and the answer's id/model/created.
import type { AssistantMessage, ChatCompletion, ChatCompletionChunk, ChunkDelta, FinishReason, ToolCall } from '../canonical/chat-types.ts';

interface FoldedChoice {
  content: string[];
  sawContent: boolean;
  refusal: string[];
  reasoningContent: string[];
  reasoning: string[];
  toolCalls: Map<number, ToolCall>;
  finish: FinishReason | null;
}

export function chunksToCompletion(chunks: readonly ChatCompletionChunk[]): ChatCompletion {
  const first = chunks[0];
  const choices = new Map<number, FoldedChoice>();
  let usage: ChatCompletion['usage'];
  let fingerprint: string | null | undefined;
  for (const chunk of chunks) {
    if (chunk.usage) usage = chunk.usage;
    if (typeof chunk.system_fingerprint === 'string') fingerprint = chunk.system_fingerprint;
    for (const choice of chunk.choices ?? []) {
      let folded = choices.get(choice.index);
      if (!folded) {
        folded = { content: [], sawContent: false, refusal: [], reasoningContent: [], reasoning: [], toolCalls: new Map(), finish: null };
        choices.set(choice.index, folded);
      }
      fold(folded, choice.delta ?? {});
      if (choice.finish_reason) folded.finish = choice.finish_reason;
    }
  }
  const completion: ChatCompletion = {
    id: first?.id ?? 'chatcmpl-cached',
    object: 'chat.completion',
    created: first?.created ?? Math.floor(Date.now() / 1000),
    model: first?.model ?? '',
    choices: [...choices.entries()].sort(([a], [b]) => a - b).map(([index, c]) => ({ index, message: messageOf(c), logprobs: null, finish_reason: c.finish })),
  };
  if (usage) completion.usage = usage;
  if (fingerprint !== undefined) completion.system_fingerprint = fingerprint;
  return completion;
}

function fold(into: FoldedChoice, delta: ChunkDelta): void {
  if (typeof delta.content === 'string') {
    into.sawContent = true;
    into.content.push(delta.content);
  }
  if (typeof delta.refusal === 'string') into.refusal.push(delta.refusal);
  if (typeof delta.reasoning_content === 'string') into.reasoningContent.push(delta.reasoning_content);
  if (typeof delta.reasoning === 'string') into.reasoning.push(delta.reasoning);
  for (const call of delta.tool_calls ?? []) {
    const known = into.toolCalls.get(call.index);
    if (!known) {
      into.toolCalls.set(call.index, { id: call.id ?? '', type: 'function', function: { name: call.function?.name ?? '', arguments: call.function?.arguments ?? '' } });
      continue;
    }
    if (call.id) known.id = call.id;
    if (call.function?.name) known.function.name += call.function.name;
    if (call.function?.arguments) known.function.arguments += call.function.arguments;
  }
}

function messageOf(c: FoldedChoice): AssistantMessage {
  const text = c.content.join('');
  const toolCalls = [...c.toolCalls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
  const message: AssistantMessage = { role: 'assistant', content: c.sawContent && !(text === '' && toolCalls.length > 0) ? text : null };
  if (c.refusal.length > 0) message.refusal = c.refusal.join('');
  if (c.reasoningContent.length > 0) message.reasoning_content = c.reasoningContent.join('');
  if (c.reasoning.length > 0) message.reasoning = c.reasoning.join('');
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

/** One chunk per part (reasoning, text, refusal, each tool call whole), a closing chunk per choice, then usage. */
export function completionToChunks(completion: ChatCompletion): ChatCompletionChunk[] {
  const base = { id: completion.id, object: 'chat.completion.chunk' as const, created: completion.created, model: completion.model };
  const extra = typeof completion.system_fingerprint === 'string' ? { system_fingerprint: completion.system_fingerprint } : {};
  const chunks: ChatCompletionChunk[] = [];
  const push = (index: number, delta: ChunkDelta, finish: FinishReason | null = null) =>
    chunks.push({ ...base, choices: [{ index, delta, logprobs: null, finish_reason: finish }], ...extra });
  for (const choice of completion.choices ?? []) {
    const m = choice.message ?? { role: 'assistant', content: null };
    const parts: ChunkDelta[] = [];
    if (typeof m.reasoning_content === 'string' && m.reasoning_content) parts.push({ reasoning_content: m.reasoning_content });
    if (typeof m.reasoning === 'string' && m.reasoning) parts.push({ reasoning: m.reasoning });
    if (typeof m.content === 'string' && m.content) parts.push({ content: m.content });
    if (typeof m.refusal === 'string' && m.refusal) parts.push({ refusal: m.refusal });
    for (const [i, call] of (m.tool_calls ?? []).entries()) {
      parts.push({ tool_calls: [{ index: i, id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments } }] });
    }
    if (parts.length === 0) parts.push({ content: '' });
    parts[0] = { role: 'assistant', ...parts[0] };
    for (const delta of parts) push(choice.index, delta);
    push(choice.index, {}, choice.finish_reason ?? 'stop');
  }
  if (completion.usage) chunks.push({ ...base, choices: [], usage: completion.usage, ...extra });
  return chunks;
}
