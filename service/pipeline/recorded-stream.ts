// Drains a walked stream for any outbound dialect and records the request however it ends:
// completed, failed after content (partial), or left by the client. Dialect encoders iterate it
// and turn each chunk (and a closing failure) into their own events.
import type { ChatCompletionChunk, Usage } from '../canonical/chat-types.ts';
import { ProviderError } from '../providers/provider-error.ts';
import type { RequestTracker } from '../record/request-tracker.ts';
import type { Attempt } from '../walk/chain-walker.ts';
import type { Deadline } from '../walk/deadline.ts';
import type { OpenedStream } from '../walk/stream-head.ts';

/** The stream broke after content was sent: the last item a dialect encoder gets. */
export class StreamFailure {
  readonly message: string;
  readonly code: string | number;

  constructor(message: string, code: string | number) {
    this.message = message;
    this.code = code;
  }
}

export interface RecordedStreamContext {
  opened: OpenedStream;
  tracker: RequestTracker;
  target: string;
  attempts: Attempt[];
  deadline: Deadline;
}

/** What the stream reported, readable once it has ended. */
export interface StreamTotals {
  usage: Usage | null;
}

export async function* recordedStream(ctx: RecordedStreamContext, totals: StreamTotals = { usage: null }): AsyncGenerator<ChatCompletionChunk | StreamFailure> {
  const { opened, tracker, deadline } = ctx;
  const signal = deadline.signal;
  let outcome: 'ok' | 'partial' | 'client_closed' = 'client_closed';
  let error: string | null = 'client closed the stream';
  const seen = (chunk: ChatCompletionChunk) => {
    if (chunk.usage) totals.usage = chunk.usage;
    tracker.countOutput(chunk);
    return chunk;
  };
  try {
    tracker.firstByte();
    for (const chunk of opened.head) yield seen(chunk);
    try {
      for (;;) {
        const next = await opened.rest.next();
        if (next.done) break;
        yield seen(next.value);
      }
      // An upstream cut off by our own abort can look finished; it is not.
      if (signal.aborted) throw signal.reason;
    } catch (failure) {
      const providerError = failure instanceof ProviderError ? failure : null;
      if (providerError?.kind === 'aborted' || (signal.aborted && !(signal.reason instanceof ProviderError))) return;
      const message = providerError?.message ?? (failure as Error)?.message ?? String(failure);
      outcome = 'partial';
      error = message;
      yield new StreamFailure(`upstream ${ctx.target} failed mid-stream: ${message}`, providerError?.code ?? 'stream_interrupted');
      return;
    }
    outcome = 'ok';
    error = null;
  } finally {
    // Reached on completion, on failure, and when the writer stops early because the client left.
    if (outcome === 'client_closed') await opened.rest.return?.().catch(() => undefined);
    tracker.finish({ status: 200, outcome, target: ctx.target, attempts: ctx.attempts, usage: totals.usage, error });
    deadline.release();
  }
}
