// Ollama /api/chat NDJSON objects → OpenAI chat.completion.chunk objects.
import type { ChatCompletionChunk, ChunkDelta, FinishReason } from '../../canonical/chat-types.ts';
import { ProviderError } from '../provider-error.ts';
import { createdSeconds, ollamaUsage } from './convert-ollama-response.ts';
import { convertOllamaToolCall } from './convert-ollama-tool-calls.ts';
import { mapOllamaFinishReason } from './map-ollama-finish-reason.ts';
import { isOllamaWireError, type OllamaWireChatResponse, type OllamaWireError } from './ollama-chat-wire.ts';
import { errorText } from './map-ollama-error.ts';
import { stringOr, textOf } from '../answer-shape.ts';

export interface StreamIdentity {
  provider: string;
  id: string;
  model: string;
  now?: number;
}

/**
 * Yields, like OpenAI: a role chunk first; reasoning_content and content deltas as they
 * come; each tool call whole (id, name, complete arguments) under its own index, counted
 * across the stream since Ollama may send calls in several lines; then a finish chunk and
 * a `choices: []` chunk with usage from the final done line. An `{"error"}` line, or an
 * end without the done line, throws ProviderError kind 'stream'.
 */
export async function* translateOllamaStream(
  upstream: AsyncIterable<OllamaWireChatResponse | OllamaWireError>,
  identity: StreamIdentity,
): AsyncGenerator<ChatCompletionChunk> {
  let created: number | undefined;
  let model = identity.model;
  let toolIndex = 0;
  const chunk = (delta: ChunkDelta, finish: FinishReason | null = null): ChatCompletionChunk => ({
    id: identity.id,
    object: 'chat.completion.chunk',
    created: created!,
    model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  });

  for await (const part of upstream) {
    if (isOllamaWireError(part)) {
      throw new ProviderError({ provider: identity.provider, kind: 'stream', message: errorText(part.error) });
    }
    if (!part || typeof part !== 'object') continue;
    if (created === undefined) {
      created = createdSeconds(part.created_at, identity.now);
      model = stringOr(part.model, identity.model);
      yield chunk({ role: 'assistant', content: '' });
    }
    const message = part.message && typeof part.message === 'object' ? part.message : {};
    const thinking = textOf(message.thinking, 'thinking');
    const content = textOf(message.content, 'content');
    if (thinking) yield chunk({ reasoning_content: thinking });
    if (content) yield chunk({ content });
    if (Array.isArray(message.tool_calls) && message.tool_calls.length) {
      const seed = typeof part.created_at === 'string' ? part.created_at : identity.id;
      const calls = message.tool_calls.map((call) => {
        const index = toolIndex++;
        const converted = convertOllamaToolCall(call, index, seed);
        return { index, id: converted.id, type: 'function' as const, function: converted.function };
      });
      yield chunk({ tool_calls: calls });
    }
    if (part.done) {
      yield chunk({}, mapOllamaFinishReason(part.done_reason, toolIndex > 0));
      const usage = ollamaUsage(part);
      if (usage) yield { id: identity.id, object: 'chat.completion.chunk', created: created!, model, choices: [], usage };
      return;
    }
  }
  throw new ProviderError({ provider: identity.provider, kind: 'stream', message: 'upstream stream ended before its final "done" line' });
}
