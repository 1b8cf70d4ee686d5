// Holds a stream back until its first content-bearing chunk, so a target that fails before
// saying anything can be replaced without the client seeing more than a later first byte.
import type { ChatCompletionChunk } from '../canonical/chat-types.ts';
import { ProviderError } from '../providers/provider-error.ts';

export interface OpenedStream {
  /** Chunks up to and including the first that carries content. */
  head: ChatCompletionChunk[];
  /** The rest of the upstream stream. */
  rest: AsyncIterator<ChatCompletionChunk>;
}

export async function openFirstContent(chunks: AsyncIterable<ChatCompletionChunk>, provider: string): Promise<OpenedStream> {
  const rest = chunks[Symbol.asyncIterator]();
  const head: ChatCompletionChunk[] = [];
  try {
    for (;;) {
      const next = await rest.next();
      if (next.done) {
        throw new ProviderError({ provider, kind: 'invalid-response', message: 'upstream stream ended without any content' });
      }
      head.push(next.value);
      if (carriesContent(next.value)) return { head, rest };
    }
  } catch (error) {
    await rest.return?.().catch(() => undefined);
    throw error;
  }
}

/** Text, a refusal, reasoning or a tool call: anything the client would show or act on. */
export function carriesContent(chunk: ChatCompletionChunk): boolean {
  for (const choice of chunk.choices ?? []) {
    const delta = choice.delta;
    if (!delta) continue;
    if (delta.content || delta.refusal || delta.reasoning_content || delta.reasoning) return true;
    if (delta.tool_calls && delta.tool_calls.length > 0) return true;
  }
  return false;
}
