// Writes a walked stream to the client as OpenAI SSE: `data: {chunk}\n\n` … `data: [DONE]\n\n`.
// A failure after content was sent ends the stream with an error event and no [DONE].
import type { ChatCompletionChunk, Usage } from '../chat-types.ts';
import { ProviderError } from '../providers/provider-error.ts';
import type { RequestTracker } from '../router/request-tracker.ts';
import type { OpenedStream } from '../router/stream-head.ts';
import type { Attempt } from '../router/chain-walker.ts';

const encoder = new TextEncoder();
const DONE = encoder.encode('data: [DONE]\n\n');

export interface SseContext {
  opened: OpenedStream;
  tracker: RequestTracker;
  target: string;
  attempts: Attempt[];
  /** The client asked for the usage chunk (stream_options.include_usage). */
  includeUsage: boolean;
  /** Aborts the upstream when the client goes away. */
  abortUpstream: () => void;
  onEnd?: () => void;
}

export function sseStream(ctx: SseContext): ReadableStream<Uint8Array> {
  const { opened, tracker } = ctx;
  let pending = opened.head.slice();
  let usage: Usage | null = null;
  let finished = false;

  const finish = (outcome: 'ok' | 'partial' | 'client_closed', error: string | null = null) => {
    if (finished) return;
    finished = true;
    tracker.finish({ status: 200, outcome, target: ctx.target, attempts: ctx.attempts, usage, error });
    ctx.onEnd?.();
  };

  const encode = (chunk: ChatCompletionChunk): Uint8Array | null => {
    if (chunk.usage) usage = chunk.usage;
    if (!ctx.includeUsage) {
      if (chunk.choices.length === 0 && chunk.usage) return null;
      if ('usage' in chunk) delete chunk.usage;
    }
    return encoder.encode(`data: ${JSON.stringify(chunk)}\n\n`);
  };

  return new ReadableStream<Uint8Array>({
    start() {
      tracker.firstByte();
    },
    async pull(controller) {
      try {
        // A pull that enqueues nothing is never followed by another, so read until a chunk is sent or the stream ends.
        let sent = false;
        if (pending.length > 0) {
          for (const chunk of pending) {
            const bytes = encode(chunk);
            if (bytes) {
              controller.enqueue(bytes);
              sent = true;
            }
          }
          pending = [];
        }
        while (!sent) {
          const next = await opened.rest.next();
          if (next.done) {
            controller.enqueue(DONE);
            controller.close();
            finish('ok');
            return;
          }
          const bytes = encode(next.value);
          if (bytes) {
            controller.enqueue(bytes);
            sent = true;
          }
        }
      } catch (error) {
        if (finished) return;
        const failure = error instanceof ProviderError ? error : null;
        if (failure?.kind === 'aborted') {
          finish('client_closed', failure.message);
          controller.close();
          return;
        }
        const message = failure?.message ?? (error as Error)?.message ?? String(error);
        const event = { error: { message: `upstream ${ctx.target} failed mid-stream: ${message}`, type: 'upstream_error', param: null, code: failure?.code ?? 'stream_interrupted' } };
        controller.enqueue(encoder.encode(`data: ${JSON.stringify(event)}\n\n`));
        controller.close();
        finish('partial', message);
      }
    },
    async cancel() {
      // The client went away: stop reading and stop the upstream.
      ctx.abortUpstream();
      finish('client_closed', 'client closed the stream');
      await opened.rest.return?.().catch(() => undefined);
    },
  });
}
