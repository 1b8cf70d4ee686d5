// POST /v1/responses: the OpenAI Responses dialect, a stateless bridge onto the chains. The body
// becomes a canonical request (with the stored conversation previous_response_id names), runs
// through the pipeline like any chat, and the answer is written as a `response` object or as the
// Responses event stream. With store (the API's default) the conversation is kept for a while.
import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { HttpError, invalidRequest } from '../../http/openai-error.ts';
import { readJsonBody } from '../../http/read-json-body.ts';
import { sendWalkedStream, sendJson } from '../../http/node-response.ts';
import type { ChatPipeline } from '../../pipeline/chat-pipeline.ts';
import { recordedStream, StreamFailure, type RecordedStreamContext, type StreamTotals } from '../../pipeline/recorded-stream.ts';
import type { Usage } from '../../canonical/chat-types.ts';
import type { ResponseStoreContract } from '../../store/response-store-contract.ts';
import { storeRead } from '../../http/store-unavailable.ts';
import { ResponsesStreamEncoder } from './responses-stream-encoder.ts';
import { inputItems, toCanonicalFromResponses, type ResponseItem, type ResponsesBody } from './to-canonical-from-responses.ts';
import { toResponsesObject, type ResponseFrame } from './to-responses-object.ts';

export interface ResponsesRouteDeps {
  pipeline: ChatPipeline;
  store: ResponseStoreContract;
  maxBodyBytes: number;
}

export function responsesRoute(deps: ResponsesRouteDeps) {
  return async function responses(c: Context): Promise<Response> {
    const start = deps.pipeline.start(c.req.header('user-agent') ?? null, c.req.header('cache-control'));
    try {
      const body = parseResponsesBody(await readJsonBody(c, deps.maxBodyBytes));
      const history = await previousItems(body, deps.store);
      const request = toCanonicalFromResponses(body, history);
      const frame: ResponseFrame = { id: `resp_${randomUUID().replace(/-/g, '')}`, createdAt: Math.floor(Date.now() / 1000), model: body.model, body };
      const conversation = [...history, ...inputItems(body.input)];
      const store = body.store !== false ? (output: ResponseItem[]) => keep(deps.store, frame.id, [...conversation, ...output]) : undefined;

      const answer = await deps.pipeline.run(request, start, c.req.raw.signal);
      if (answer.kind === 'completion') {
        const object = toResponsesObject(answer.completion, frame);
        await store?.(object.output as ResponseItem[]);
        return sendJson(c, 200, object, answer.headers);
      }
      const { deadline, opened } = answer;
      const ctx: RecordedStreamContext = { opened, tracker: start.tracker, target: answer.target, attempts: answer.attempts, deadline };
      const events = responsesEvents(ctx, frame, () => start.tracker.estimate(), store);
      return await sendWalkedStream(c, events, answer.headers, answer);
    } catch (error) {
      const httpError = deps.pipeline.fail(error, start);
      return sendJson(c, httpError.status, httpError.body(), start.headers);
    }
  };
}

async function* responsesEvents(ctx: RecordedStreamContext, frame: ResponseFrame, estimate: () => Usage, store: ((output: ResponseItem[]) => Promise<void>) | undefined): AsyncGenerator<string> {
  const totals: StreamTotals = { usage: null };
  const encoder = new ResponsesStreamEncoder(frame);
  for await (const item of recordedStream(ctx, totals)) {
    if (item instanceof StreamFailure) {
      yield* encoder.fail(item.code, item.message);
      return;
    }
    yield* encoder.push(item);
  }
  if (ctx.deadline.signal.aborted) return;
  const frames = encoder.finish(totals.usage ? null : { ...estimate(), estimated: true });
  await store?.(encoder.output);
  yield* frames;
}

/**
 * Stored before the answer's last bytes go out, so a follow-up sent to any replica finds it. A
 * response the database would not take (locked by another process, disk full, PostgreSQL
 * unreachable) is answered anyway; only a later previous_response_id to it fails.
 */
async function keep(store: ResponseStoreContract, id: string, items: ResponseItem[]): Promise<void> {
  try {
    await store.save(id, items);
  } catch (error) {
    console.warn(`[router] response ${id} was not stored: ${(error as Error).message}`);
  }
}

function parseResponsesBody(value: unknown): ResponsesBody {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidRequest('the request body must be a JSON object');
  const body = value as Record<string, unknown>;
  if (typeof body.model !== 'string' || body.model.trim() === '') throw invalidRequest("Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
  if (body.input !== undefined && typeof body.input !== 'string' && !Array.isArray(body.input)) throw invalidRequest("Invalid type for 'input': expected a string or an array of input items.", 'input', 'invalid_type');
  if (body.input === undefined && typeof body.previous_response_id !== 'string') throw invalidRequest("Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  if (body.stream !== undefined && typeof body.stream !== 'boolean') throw invalidRequest("Invalid type for 'stream': expected a boolean.", 'stream', 'invalid_type');
  return body as ResponsesBody;
}

/** The conversation previous_response_id names; an id never stored, or past its time, is the client's mistake. */
async function previousItems(body: ResponsesBody, store: ResponseStoreContract): Promise<ResponseItem[]> {
  const id = body.previous_response_id;
  if (id === undefined || id === null) return [];
  if (typeof id !== 'string' || !id) throw invalidRequest("Invalid type for 'previous_response_id': expected a string.", 'previous_response_id', 'invalid_type');
  const items = await storeRead('previous_response_id', () => store.load(id));
  if (!items) throw new HttpError(400, 'invalid_request_error', `Previous response with id '${id}' not found (never stored with store: true, or older than the gateway keeps responses).`, 'previous_response_id', 'previous_response_not_found');
  return items as ResponseItem[];
}
