// A minimal fake of OpenAI's Responses API on 127.0.0.1, enough for Codex (`codex exec` streams
// POST /v1/responses): SSE events `response.created`, `response.output_item.added`,
// `response.output_text.delta`…, `response.output_item.done`, `response.completed` with usage, each
// as `event: <type>\ndata: {json}\n\n`, and OpenAI error bodies with their statuses.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ResponsesRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, any>;
}

export interface FakeResponses {
  /** Base URL with /v1, as a Codex model provider's base_url. */
  baseURL: string;
  requests: ResponsesRequest[];
  close(): Promise<void>;
}

/**
 * Behaviours by model name:
 *   text | text:<words>   answers "Hello from <model>" (or the words) in three deltas
 *   error:<status>        an OpenAI error body with that status
 */
export async function startFakeResponses(): Promise<FakeResponses> {
  const requests: ResponsesRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/v1/responses') return sendError(res, 404, 'not_found', `Not Found: ${req.method} ${req.url}`);
    if (!req.headers.authorization) return sendError(res, 401, 'invalid_api_key', 'You did not provide an API key.');
    let body: Record<string, any>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return sendError(res, 400, 'invalid_json', 'We could not parse the JSON body of your request.');
    }
    requests.push({ path: req.url, headers: req.headers, body });
    const model = String(body.model ?? '');
    const [kind, arg] = model.includes(':') ? [model.slice(0, model.indexOf(':')), model.slice(model.indexOf(':') + 1)] : [model, undefined];
    if (kind === 'error') return sendError(res, Number(arg), 'fake_error', `fake upstream error ${arg}`);
    streamText(res, model, arg ?? `Hello from ${model}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function streamText(res: ServerResponse, model: string, text: string): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let sequence = 0;
  const send = (event: Record<string, unknown>) => res.write(`event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: sequence++ })}\n\n`);
  const response = { id: 'resp_fake', object: 'response', created_at: Math.floor(Date.now() / 1000), status: 'in_progress', model, output: [] as unknown[] };
  send({ type: 'response.created', response });
  send({ type: 'response.output_item.added', output_index: 0, item: { id: 'msg_fake', type: 'message', role: 'assistant', status: 'in_progress', content: [] } });
  send({ type: 'response.content_part.added', item_id: 'msg_fake', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
  const words = text.split(/(?= )/);
  for (const delta of words) send({ type: 'response.output_text.delta', item_id: 'msg_fake', output_index: 0, content_index: 0, delta });
  const item = { id: 'msg_fake', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] };
  send({ type: 'response.output_text.done', item_id: 'msg_fake', output_index: 0, content_index: 0, text });
  send({ type: 'response.output_item.done', output_index: 0, item });
  const usage = { input_tokens: 21, input_tokens_details: { cached_tokens: 0 }, output_tokens: words.length, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 21 + words.length };
  send({ type: 'response.completed', response: { ...response, status: 'completed', output: [item], usage } });
  res.end();
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { message, type: status === 401 ? 'invalid_request_error' : 'server_error', param: null, code } }));
}
