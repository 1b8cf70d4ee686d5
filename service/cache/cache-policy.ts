// What the cache may keep: which requests are looked up at all, and which answers are stored.
import type { ChatCompletion, ChatCompletionChunk, ChatRequest } from '../canonical/chat-types.ts';

/** Why a request is not cacheable, or null when it is. */
export function uncacheableRequest(request: ChatRequest, toolLoopsAllowed: boolean): string | null {
  if (typeof request.n === 'number' && request.n > 1) return 'n > 1';
  // A turn inside a tool loop answers a tool's fresh result: replaying it would hide the new result.
  if (!toolLoopsAllowed && request.messages.at(-1)?.role === 'tool') return 'tool loop turn';
  return null;
}

/** Why a finished answer is not stored, or null when it may be. */
export function unstorableCompletion(completion: ChatCompletion): string | null {
  const choices = completion.choices ?? [];
  if (choices.length !== 1) return 'not exactly one choice';
  return unstorableFinish(choices[0].finish_reason);
}

/** A stream that ended cleanly; a choice with no finish reason was cut short. */
export function unstorableChunks(chunks: readonly ChatCompletionChunk[]): string | null {
  let finish: string | null = null;
  const indexes = new Set<number>();
  for (const chunk of chunks) {
    for (const choice of chunk.choices ?? []) {
      indexes.add(choice.index);
      if (choice.finish_reason) finish = choice.finish_reason;
    }
  }
  if (indexes.size !== 1) return 'not exactly one choice';
  return unstorableFinish(finish);
}

function unstorableFinish(finish: string | null | undefined): string | null {
  if (!finish) return 'no finish reason';
  if (finish === 'length') return 'finish_reason length';
  return null;
}
