// A walked stream as OpenAI SSE events: `data: {chunk}\n\n` … `data: [DONE]\n\n`. A failure after
// content was sent ends the stream with an error event and no [DONE]. Recording happens here,
// once, however the stream ends.
import { answerJson, dropRawJson, rawJsonOf, withRawJson, type ChatCompletionChunk, type Usage } from '../../canonical/chat-types.ts';
import { ProviderError } from '../../providers/provider-error.ts';
import type { Attempt } from '../../walk/chain-walker.ts';
import type { RequestTracker } from '../../record/request-tracker.ts';
import type { OpenedStream } from '../../walk/stream-head.ts';

export interface SseContext {
  opened: OpenedStream;
  tracker: RequestTracker;
  target: string;
  attempts: Attempt[];
  /** The client asked for the usage chunk (stream_options.include_usage). */
  includeUsage: boolean;
  /** The request's signal: aborted when the client leaves or the request deadline passes. */
  signal: AbortSignal;
  onEnd?: () => void;
}

export async function* sseEvents(ctx: SseContext): AsyncGenerator<string> {
  const { opened, tracker } = ctx;
  let usage: Usage | null = null;
  let outcome: 'ok' | 'partial' | 'client_closed' = 'client_closed';
  let error: string | null = 'client closed the stream';

  const encode = (chunk: ChatCompletionChunk): string | null => {
    if (chunk.usage) usage = chunk.usage;
    tracker.countOutput(chunk);
    // Usage was asked for upstream on the gateway's account; a client that did not ask gets none.
    if (!ctx.includeUsage && 'usage' in chunk) {
      if (chunk.usage && chunk.choices.length === 0) return null;
      const raw = chunk.usage === null ? rawJsonOf(chunk) : undefined;
      delete chunk.usage;
      const trimmed = raw === undefined ? undefined : withoutNullUsage(raw);
      if (trimmed === undefined) dropRawJson(chunk);
      else withRawJson(chunk, trimmed);
    }
    return `data: ${answerJson(chunk)}\n\n`;
  };

  try {
    tracker.firstByte();
    for (const chunk of opened.head) {
      const event = encode(chunk);
      if (event) yield event;
    }
    try {
      for (;;) {
        const next = await opened.rest.next();
        if (next.done) break;
        const event = encode(next.value);
        if (event) yield event;
      }
      // An upstream cut off by our own abort can look finished; it is not.
      if (ctx.signal.aborted) throw ctx.signal.reason;
    } catch (failure) {
      const providerError = failure instanceof ProviderError ? failure : null;
      if (providerError?.kind === 'aborted' || (ctx.signal.aborted && !(ctx.signal.reason instanceof ProviderError))) return;
      const message = providerError?.message ?? (failure as Error)?.message ?? String(failure);
      outcome = 'partial';
      error = message;
      yield `data: ${JSON.stringify({ error: { message: `upstream ${ctx.target} failed mid-stream: ${message}`, type: 'upstream_error', param: null, code: providerError?.code ?? 'stream_interrupted' } })}\n\n`;
      return;
    }
    outcome = 'ok';
    error = null;
    yield 'data: [DONE]\n\n';
  } finally {
    // Reached on completion, on failure, and when the writer stops early because the client left.
    if (outcome === 'client_closed') await opened.rest.return?.().catch(() => undefined);
    tracker.finish({ status: 200, outcome, target: ctx.target, attempts: ctx.attempts, usage, error });
    ctx.onEnd?.();
  }
}

/**
 * OpenAI puts `"usage":null` in every chunk once usage is asked for. Cut it from the upstream's
 * own text rather than serialise every chunk again: outside a string that sequence can only be
 * the member itself (a quote inside a JSON string is always escaped). Undefined when the text
 * spells it another way, and the caller serialises instead.
 */
export function withoutNullUsage(raw: string): string | undefined {
  const at = raw.lastIndexOf(',"usage":null');
  if (at !== -1) return raw.slice(0, at) + raw.slice(at + ',"usage":null'.length);
  const lead = raw.indexOf('{"usage":null,');
  if (lead === 0) return '{' + raw.slice('{"usage":null,'.length);
  return undefined;
}
