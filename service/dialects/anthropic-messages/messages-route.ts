// POST /v1/messages (Claude Code adds ?beta=true): the Anthropic Messages dialect (count_tokens: count-tokens-route.ts).
// The chain is walked as for any request; an Anthropic target gets the client's
// body verbatim (thinking signatures, cache_control, betas intact) and its answer goes back byte
// for byte; any other target gets the canonical translation, and its answer is written in
// Anthropic's shapes. Errors are Anthropic's {"type":"error","error":{type,message}}.
import type { Context } from 'hono';
import type { ChatCompletion } from '../../canonical/chat-types.ts';
import type { DialectSettings } from '../../config/gateway-config.ts';
import { HttpError } from '../../http/openai-error.ts';
import { readJsonBody } from '../../http/read-json-body.ts';
import { sendEventStream, sendJson, sendRaw } from '../../http/node-response.ts';
import type { ChatPipeline, RequestStart, RoutedValue } from '../../pipeline/chat-pipeline.ts';
import { recordedStream, StreamFailure, type RecordedStreamContext, type StreamTotals } from '../../pipeline/recorded-stream.ts';
import type { ChatRouter } from '../../plan/chat-router.ts';
import { passesThroughMessages } from '../../providers/chat-provider.ts';
import type { ProviderRegistry } from '../../providers/provider-registry.ts';
import { toChatCompletion } from '../../providers/anthropic/to-chat-completion.ts';
import { DONE, completeCall, streamCall, watchEnd, type TargetCall } from '../../walk/chain-walker.ts';
import type { Deadline } from '../../walk/deadline.ts';
import type { OpenedStream } from '../../walk/stream-head.ts';
import { toAnthropicError } from './anthropic-error.ts';
import { AnthropicSseEncoder, sseFrame } from './anthropic-sse-encoder.ts';
import { heldStream, settle, settledWithin } from './held-answer.ts';
import { parseMessagesBody, routingModel } from './messages-request.ts';
import { recordedPassThrough } from './recorded-pass-through.ts';
import { openPassThroughStream, type OpenedPassThrough } from './pass-through-stream.ts';
import { toAnthropicMessage } from './to-anthropic-message.ts';
import { toCanonicalFromMessages, type MessagesBody } from './to-canonical-from-messages.ts';

export interface MessagesRouteDeps {
  pipeline: ChatPipeline;
  router: ChatRouter;
  providers: ProviderRegistry;
  maxBodyBytes: number;
  dialects: DialectSettings;
}

type MessagesAnswer =
  | { kind: 'raw-json'; body: Uint8Array; headers: Record<string, string> }
  | { kind: 'raw-stream'; opened: OpenedPassThrough; headers: Record<string, string> }
  | { kind: 'completion'; completion: ChatCompletion }
  | { kind: 'stream'; opened: OpenedStream };

interface ClientBody {
  body: MessagesBody;
  betaQuery: boolean;
  version: string | undefined;
  beta: string | undefined;
}

export function messagesRoute(deps: MessagesRouteDeps) {
  return async function messages(c: Context): Promise<Response> {
    const start = deps.pipeline.start(c.req.header('user-agent') ?? null);
    try {
      const body = parseMessagesBody(await readJsonBody(c, deps.maxBodyBytes));
      if (body instanceof HttpError) throw body;
      const stream = body.stream === true;
      start.requestedModel = body.model;
      const request = toCanonicalFromMessages({ ...body, model: routingModel(body.model, c.req.header('x-claude-code-request-class'), deps.dialects.requestClassCategories) });
      const client: ClientBody = { body, betaQuery: c.req.query('beta') === 'true', version: c.req.header('anthropic-version'), beta: c.req.header('anthropic-beta') };
      const walking = settle(deps.pipeline.runWith(request, start, c.req.raw.signal, () => messagesCall(request, client, stream), stream));
      if (!stream) return answerPlain(c, start, body.model, unwrap(await walking));

      const early = await settledWithin(walking, deps.dialects.pingIntervalMs);
      if (early) {
        const walked = unwrap(early);
        return sendEventStream(c, answerEvents(start, body.model, walked), start.headers, () => walked.deadline.abort('client closed the stream'));
      }
      // No target has answered by the first ping: commit to the stream and keep it alive.
      const events = heldStream({
        pending: walking,
        intervalMs: deps.dialects.pingIntervalMs,
        answer: (answer) => answerEvents(start, body.model, answer),
        failure: (error) => {
          const { body: errorBody } = toAnthropicError(deps.pipeline.fail(error, start));
          return sseFrame('error', errorBody);
        },
        discard: closeUnread,
      });
      return sendEventStream(c, events, start.headers, () => undefined);
    } catch (error) {
      const { status, body } = toAnthropicError(deps.pipeline.fail(error, start));
      return sendJson(c, status, body, start.headers);
    }
  };
}

type Walked = RoutedValue<MessagesAnswer>;

function unwrap(outcome: { ok: true; value: Walked } | { ok: false; error: unknown }): Walked {
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

/** The chain's call per target: Anthropic targets verbatim, the rest translated. */
function messagesCall(request: ReturnType<typeof toCanonicalFromMessages>, client: ClientBody, stream: boolean): TargetCall<MessagesAnswer> {
  const translatedStream = streamCall(request);
  const translatedComplete = completeCall(request);
  return async (adapter, target, signal) => {
    if (passesThroughMessages(adapter)) {
      const answer = await adapter.passThrough({ endpoint: 'messages', betaQuery: client.betaQuery, body: client.body, model: target.model, version: client.version, beta: client.beta, signal });
      const headers: Record<string, string> = answer.headers['request-id'] ? { 'request-id': answer.headers['request-id'] } : {};
      if (answer.body instanceof ReadableStream) {
        const opened = await openPassThroughStream(answer.body, target.provider, target.model);
        const { rest, done } = watchEnd(opened.rest);
        return { value: { kind: 'raw-stream', opened: { ...opened, rest }, headers }, done };
      }
      return { value: { kind: 'raw-json', body: answer.body, headers }, done: DONE };
    }
    if (stream) {
      const started = await translatedStream(adapter, target, signal);
      return { value: { kind: 'stream', opened: started.value }, done: started.done };
    }
    const started = await translatedComplete(adapter, target, signal);
    return { value: { kind: 'completion', completion: started.value }, done: started.done };
  };
}

function answerPlain(c: Context, start: RequestStart, model: string, walked: Walked): Response {
  const { value, target, attempts, headers } = walked;
  start.tracker.firstByte();
  if (value.kind === 'completion') {
    start.tracker.finish({ status: 200, outcome: 'ok', target, attempts, usage: value.completion.usage, completion: value.completion });
    return sendJson(c, 200, toAnthropicMessage(value.completion, model), headers);
  }
  if (value.kind === 'raw-json') {
    const completion = readMessage(value.body);
    start.tracker.finish({ status: 200, outcome: 'ok', target, attempts, usage: completion?.usage ?? null, completion });
    return sendRaw(c, 200, value.body, 'application/json', { ...headers, ...value.headers });
  }
  // A target that streamed to a plain request (it ignored stream: false): its events go as they are.
  return sendEventStream(c, answerEvents(start, model, walked), headers, () => walked.deadline.abort('client closed the stream'));
}

/** The upstream's own message, read for the record only; what it says is not ours to check. */
function readMessage(body: Uint8Array): ChatCompletion | undefined {
  try {
    return toChatCompletion(JSON.parse(Buffer.from(body).toString('utf8')));
  } catch {
    return undefined;
  }
}

function answerEvents(start: RequestStart, model: string, walked: Walked): AsyncGenerator<string> {
  const { value, target, attempts, deadline } = walked;
  Object.assign(start.headers, walked.headers);
  if (value.kind === 'raw-stream') return recordedPassThrough({ opened: value.opened, tracker: start.tracker, target, attempts, deadline });
  if (value.kind === 'stream') return translatedEvents({ opened: value.opened, tracker: start.tracker, target, attempts, deadline }, model, start);
  // A plain answer to a stream request (raw JSON from an upstream that would not stream).
  return plainAsEvents(start, model, walked, deadline);
}

async function* translatedEvents(ctx: RecordedStreamContext, model: string, start: RequestStart): AsyncGenerator<string> {
  const encoder = new AnthropicSseEncoder(model, () => start.tracker.estimate().prompt_tokens);
  const totals: StreamTotals = { usage: null };
  for await (const item of recordedStream(ctx, totals)) {
    if (item instanceof StreamFailure) {
      yield* encoder.fail('api_error', item.message);
      return;
    }
    yield* encoder.push(item);
  }
  // Claude Code keeps its context count from this usage: an upstream that reported none gets the estimate.
  if (!ctx.deadline.signal.aborted) yield* encoder.finish(totals.usage ? null : start.tracker.estimate());
}

async function* plainAsEvents(start: RequestStart, model: string, walked: Walked, deadline: Deadline): AsyncGenerator<string> {
  deadline.release();
  const value = walked.value;
  const completion = value.kind === 'completion' ? value.completion : value.kind === 'raw-json' ? readMessage(value.body) : undefined;
  start.tracker.firstByte();
  start.tracker.finish({ status: 200, outcome: 'ok', target: walked.target, attempts: walked.attempts, usage: completion?.usage ?? null, completion });
  if (!completion) return;
  const message = toAnthropicMessage(completion, model);
  yield sseFrame('message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null } });
  for (const [index, block] of message.content.entries()) {
    const empty = block.type === 'text' ? { type: 'text', text: '' } : block.type === 'thinking' ? { ...block, thinking: '' } : { ...block, input: {} };
    yield sseFrame('content_block_start', { type: 'content_block_start', index, content_block: empty });
    const delta = block.type === 'text' ? { type: 'text_delta', text: block.text } : block.type === 'thinking' ? { type: 'thinking_delta', thinking: block.thinking } : { type: 'input_json_delta', partial_json: JSON.stringify(block.input) };
    yield sseFrame('content_block_delta', { type: 'content_block_delta', index, delta });
    yield sseFrame('content_block_stop', { type: 'content_block_stop', index });
  }
  yield sseFrame('message_delta', { type: 'message_delta', delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: message.usage });
  yield sseFrame('message_stop', { type: 'message_stop' });
}

async function closeUnread(walked: Walked): Promise<void> {
  walked.deadline.abort('client closed the stream');
  walked.deadline.release();
  const value = walked.value;
  if (value.kind === 'raw-stream' || value.kind === 'stream') await value.opened.rest.return?.().catch(() => undefined);
}
