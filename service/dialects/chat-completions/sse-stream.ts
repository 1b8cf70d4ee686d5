// A walked stream as OpenAI Chat Completions SSE: `data: {chunk}\n\n` … `data: [DONE]\n\n`; a failure after
// content ends it with an error event and no [DONE]. The request is recorded by recordedStream.
import { answerJson, dropRawJson, rawJsonOf, withRawJson, type ChatCompletionChunk, type Usage } from '../../canonical/chat-types.ts';
import { recordedStream, StreamFailure, type RecordedStreamContext, type StreamTotals } from '../../pipeline/recorded-stream.ts';

export interface SseOptions {
  /** The client asked for the usage chunk (stream_options.include_usage). */
  includeUsage: boolean;
  /** Tokens estimated from the text, for a stream whose upstream reported no usage. */
  estimate: () => Usage;
}

/** OpenAI Chat Completions SSE: `data: {chunk}` per chunk, then `data: [DONE]`; a failure after content ends with an error event and no [DONE]. */
export async function* sseEvents(ctx: RecordedStreamContext, options: SseOptions): AsyncGenerator<string> {
  const totals: StreamTotals = { usage: null };
  let last: ChatCompletionChunk | undefined;
  for await (const item of recordedStream(ctx, totals)) {
    if (item instanceof StreamFailure) {
      yield `data: ${JSON.stringify({ error: { message: item.message, type: 'upstream_error', param: null, code: item.code } })}\n\n`;
      return;
    }
    last = item;
    const event = encode(item, options.includeUsage);
    if (event) yield event;
  }
  if (options.includeUsage && !totals.usage && last) {
    // The client asked for usage and the upstream sent none: the gateway's estimate, marked as one.
    const usage = { ...options.estimate(), estimated: true };
    yield `data: ${JSON.stringify({ id: last.id, object: 'chat.completion.chunk', created: last.created, model: last.model, choices: [], usage })}\n\n`;
  }
  yield 'data: [DONE]\n\n';
}

function encode(chunk: ChatCompletionChunk, includeUsage: boolean): string | null {
  // Usage was asked for upstream on the gateway's account; a client that did not ask gets none.
  if (!includeUsage && 'usage' in chunk) {
    if (chunk.usage && chunk.choices.length === 0) return null;
    const raw = chunk.usage === null ? rawJsonOf(chunk) : undefined;
    delete chunk.usage;
    const trimmed = raw === undefined ? undefined : withoutNullUsage(raw);
    if (trimmed === undefined) dropRawJson(chunk);
    else withRawJson(chunk, trimmed);
  }
  return `data: ${answerJson(chunk)}\n\n`;
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
