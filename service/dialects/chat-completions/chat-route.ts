// POST /v1/chat/completions: the OpenAI Chat Completions dialect. Its wire format is the
// canonical one, so inbound is read-and-validate and outbound is JSON or SSE as it came.
import type { Context } from 'hono';
import type { ChatPipeline } from '../../pipeline/chat-pipeline.ts';
import { HttpError } from '../../http/openai-error.ts';
import { readJsonBody } from '../../http/read-json-body.ts';
import { sendJson, sendWalkedStream } from '../../http/node-response.ts';
import { parseChatRequest } from './chat-request-schema.ts';
import { sseEvents } from './sse-stream.ts';

export interface ChatRouteDeps {
  pipeline: ChatPipeline;
  maxBodyBytes: number;
}

export function chatRoute(deps: ChatRouteDeps) {
  return async function chatCompletions(c: Context): Promise<Response> {
    const start = deps.pipeline.start(c.req.header('user-agent') ?? null, c.req.header('cache-control'));
    try {
      const request = parseChatRequest(await readJsonBody(c, deps.maxBodyBytes));
      if (request instanceof HttpError) throw request;
      const answer = await deps.pipeline.run(request, start, c.req.raw.signal);
      if (answer.kind === 'completion') return sendJson(c, 200, answer.completion, answer.headers);

      const { deadline, opened } = answer;
      const events = sseEvents(
        { opened, tracker: start.tracker, target: answer.target, attempts: answer.attempts, deadline },
        { includeUsage: request.stream_options?.include_usage === true, estimate: () => start.tracker.estimate() },
      );
      return await sendWalkedStream(c, events, answer.headers, answer);
    } catch (error) {
      const httpError = deps.pipeline.fail(error, start);
      return sendJson(c, httpError.status, httpError.body(), start.headers);
    }
  };
}
