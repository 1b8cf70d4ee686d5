// Drains an Anthropic target's passed-through stream to the client and records the request,
// as recordedStream does for canonical chunks: usage and tool-call ids are read from the events
// on the way; a cut or an error event after content ends the record as partial.
import type { Usage } from '../../canonical/chat-types.ts';
import { ProviderError } from '../../providers/provider-error.ts';
import type { RequestTracker } from '../../record/request-tracker.ts';
import type { Attempt } from '../../walk/chain-walker.ts';
import type { Deadline } from '../../walk/deadline.ts';
import { sseFrame } from './anthropic-sse-encoder.ts';
import type { OpenedPassThrough } from './pass-through-stream.ts';

export interface PassThroughContext {
  opened: OpenedPassThrough;
  tracker: RequestTracker;
  target: string;
  attempts: Attempt[];
  deadline: Deadline;
}

export async function* recordedPassThrough(ctx: PassThroughContext): AsyncGenerator<string> {
  const { opened, tracker, deadline } = ctx;
  let outcome: 'ok' | 'partial' | 'client_closed' = 'client_closed';
  let error: string | null = 'client closed the stream';
  let usage: Usage | null = null;
  const take = () => {
    for (const chunk of opened.watch.take()) {
      tracker.countOutput(chunk);
      if (chunk.usage) usage = chunk.usage;
    }
  };
  try {
    tracker.firstByte();
    take();
    yield opened.head;
    try {
      for (;;) {
        const next = await opened.rest.next();
        take();
        if (next.done) break;
        yield next.value;
      }
      if (deadline.signal.aborted) throw deadline.signal.reason;
      if (!opened.watch.complete) throw new ProviderError({ provider: ctx.target, kind: 'stream', message: 'upstream stream ended before message_stop' });
    } catch (failure) {
      const providerError = failure instanceof ProviderError ? failure : null;
      if (providerError?.kind === 'aborted' || (deadline.signal.aborted && !(deadline.signal.reason instanceof ProviderError))) return;
      outcome = 'partial';
      error = providerError?.message ?? (failure as Error)?.message ?? String(failure);
      // An error event the upstream sent has reached the client already; a cut or a deadline has not.
      if (failure !== opened.watch.failure) yield sseFrame('error', { type: 'error', error: { type: 'api_error', message: `upstream ${ctx.target} failed mid-stream: ${error}` } });
      return;
    }
    outcome = 'ok';
    error = null;
  } finally {
    if (outcome === 'client_closed') await opened.rest.return?.().catch(() => undefined);
    tracker.finish({ status: 200, outcome, target: ctx.target, attempts: ctx.attempts, usage, error });
    deadline.release();
  }
}
