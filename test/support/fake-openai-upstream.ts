// A fake OpenAI-compatible upstream on 127.0.0.1 that speaks the real wire format
// (modelled on the recorded fixtures): JSON completions, `data: {chunk}\n\n` SSE with
// a usage chunk and `data: [DONE]`, and OpenAI-shaped error bodies with their statuses.
// The model name picks the behaviour, so one server can play every part in a chain.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { modelListing, type ModelListing } from './fake-model-listing.ts';

export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, any>;
  /** The body's bytes as received. */
  raw: string;
}

export interface FakeUpstream {
  url: string;
  /** Base URL the OpenAI SDK expects (ends in /v1). */
  baseURL: string;
  requests: ReceivedRequest[];
  /** Count of requests per model. */
  calls(model: string): number;
  /** Requests whose connection closed before their response was finished (the caller gave up). */
  closedEarly(): number;
  /** What GET /v1/models answers (OpenAI's list shape). */
  listing: ModelListing;
  close(): Promise<void>;
}

/**
 * Behaviours by model name (anything after a `#` is ignored; in `name@behaviour` the part after `@` counts):
 *   text | text:<words>     answers "Hello from <model>" (or the words)
 *   tool                    calls get_weather({"city":"Paris"}) unless the last message is a tool result, then answers with it
 *   error:<status>[:<s>]    OpenAI error body with that status (429 adds retry-after: <s>, default 1)
 *   slow:<ms>               waits, then answers text
 *   cut-before-content      SSE role chunk, then the socket is destroyed
 *   cut-mid-stream          SSE content, then the socket is destroyed
 *   empty                   a completion with empty content
 *   malformed               200 with a body that is not JSON
 *   nousage                 answers text but reports no usage (as some OpenAI-compatible hosts do)
 *   reset-mid-body          (plain) headers and half the JSON body, then the socket is destroyed
 *   stream-error-first      (stream) an in-stream error event before any content, as OpenAI sends server_error
 *   stream-error-event      (stream) some content, then an in-stream error event and [DONE]
 *   context-length          400 context_length_exceeded, as OpenAI words it
 *   drip:<ms>               (stream) a word every <ms> for up to 30 s, until the caller goes away
 *   agent                   a coding agent's two steps: with a *.txt path in the last user message, calls the file tool
 *                           offered (Read({file_path}), or exec_command({cmd:"cat <path>"}) for Codex); once a tool
 *                           result follows, answers "The file says: <result>"
 *   rich                    (stream) reasoning, text, then two parallel tool calls (get_weather for Paris and Rome)
 *   reason | reason:<words> reasoning_content ("Let me think about it.") before the text
 *   length                  answers text cut off by max_tokens (finish_reason length)
 *   late-error:<ms>         waits, then a 500 error body
 */
export async function startFakeOpenAI(options: { pathPrefix?: string; models?: string[] } = {}): Promise<FakeUpstream> {
  const prefix = options.pathPrefix ?? '/v1';
  const requests: ReceivedRequest[] = [];
  const listing = modelListing(options.models ?? ['gpt-4o-mini', 'text', 'tool']);
  let closedEarly = 0;
  const server: Server = createServer(async (req, res) => {
    res.on('close', () => {
      if (!res.writableFinished) closedEarly++;
    });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method === 'GET' && req.url === `${prefix}/models`) {
      listing.authorizations.push(req.headers.authorization ?? null);
      return sendModelList(res, listing);
    }
    if (req.method !== 'POST' || req.url !== `${prefix}/chat/completions`) {
      return sendError(res, 404, 'invalid_request_error', `Unknown request URL: ${req.method} ${req.url}`, 'unknown_url');
    }
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = JSON.parse(raw);
    requests.push({ path: req.url, headers: req.headers, body, raw });
    await respond(body, res);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseURL: `${url}${prefix}`,
    requests,
    calls: (model) => requests.filter((r) => r.body.model === model).length,
    closedEarly: () => closedEarly,
    listing,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function respond(body: Record<string, any>, res: ServerResponse): Promise<void> {
  const model: string = body.model;
  // A `#suffix` is ignored, so one behaviour can stand behind several distinct targets (breakers, cool-downs);
  // `name@behaviour` lets a real model name (whose capabilities the router knows) carry a behaviour.
  const spec = model.split('#')[0];
  const [kind, arg] = splitOnce(spec.includes('@') ? spec.slice(spec.indexOf('@') + 1) : spec, ':');
  if (kind === 'error') {
    const [statusText, retryAfter] = splitOnce(arg ?? '', ':');
    const status = Number(statusText);
    const headers: Record<string, string> = status === 429 ? { 'retry-after': retryAfter ?? '1' } : {};
    const type = status === 400 ? 'invalid_request_error' : status === 401 ? 'invalid_request_error' : status === 429 ? 'rate_limit_exceeded' : 'server_error';
    return sendError(res, status, type, `fake upstream error ${status}`, status === 401 ? 'invalid_api_key' : null, status === 400 ? 'messages' : null, headers);
  }
  if (kind === 'late-error') {
    await new Promise((r) => setTimeout(r, Number(arg)));
    return sendError(res, 500, 'server_error', 'fake upstream error after a wait');
  }
  if (kind === 'context-length') {
    return sendError(res, 400, 'invalid_request_error', "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.", 'context_length_exceeded', 'messages');
  }
  if (kind === 'slow') await new Promise((r) => setTimeout(r, Number(arg)));
  if (kind === 'reset-mid-body' && !body.stream) {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400' });
    res.write('{"id": "chatcmpl-x", "object": "chat.completion", "choices": [{"index": 0, ');
    return void setTimeout(() => res.destroy(), 5);
  }
  if (kind === 'malformed') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end('{"id": "chatcmpl-x", "choices": [');
  }

  const answer = plan(kind, arg, body);
  if (body.stream) return streamAnswer(res, model, answer, body.stream_options?.include_usage === true, kind, arg);
  const message: Record<string, unknown> = { role: 'assistant', content: answer.text, refusal: null, annotations: [] };
  if (answer.toolCall) message.tool_calls = [answer.toolCall];
  if (answer.reasoning) message.reasoning_content = answer.reasoning;
  res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_fake', 'openai-processing-ms': '1' });
  res.end(
    JSON.stringify({
      id: 'chatcmpl-fake1',
      object: 'chat.completion',
      created: 1754693440,
      model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: answer.finish ?? (answer.toolCall ? 'tool_calls' : 'stop') }],
      ...(kind === 'nousage' ? {} : { usage: usage() }),
      service_tier: 'default',
      system_fingerprint: 'fp_fake',
    }),
  );
}

interface Answer {
  text: string | null;
  reasoning?: string;
  finish?: string;
  toolCall?: { id: string; type: 'function'; function: { name: string; arguments: string } };
}

function plan(kind: string, arg: string | undefined, body: Record<string, any>): Answer {
  if (kind === 'empty') return { text: '' };
  if (kind === 'agent') return agentStep(body);
  if (kind === 'reason') return { text: arg ?? `Hello from ${body.model}`, reasoning: 'Let me think about it.' };
  if (kind === 'length') return { text: 'This answer was cut', finish: 'length' };
  if (kind === 'tool') {
    const last = body.messages.at(-1);
    if (last?.role === 'tool') return { text: `The weather is ${last.content}.` };
    return { text: null, toolCall: { id: 'call_fake123', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } } };
  }
  return { text: arg ?? `Hello from ${body.model}` };
}

function agentStep(body: Record<string, any>): Answer {
  const turns = body.messages.filter((m: any) => m.role !== 'system' && m.role !== 'developer');
  const last = turns.at(-1);
  const text = (m: any) => (typeof m?.content === 'string' ? m.content : (m?.content ?? []).map((p: any) => p.text ?? '').join('\n'));
  if (last?.role === 'tool') return { text: `The file says: ${text(last)}` };
  const user = [...turns].reverse().find((m: any) => m.role === 'user');
  const path = /(\/[^\s"'<>]+\.txt)/.exec(text(user))?.[1];
  const tools: string[] = (body.tools ?? []).map((t: any) => t.function?.name);
  if (!path) return { text: `Hello from ${body.model}` };
  if (tools.includes('Read')) return { text: null, toolCall: { id: 'call_agent_read1', type: 'function', function: { name: 'Read', arguments: JSON.stringify({ file_path: path }) } } };
  if (tools.includes('exec_command')) return { text: null, toolCall: { id: 'call_agent_exec1', type: 'function', function: { name: 'exec_command', arguments: JSON.stringify({ cmd: `cat ${path}` }) } } };
  return { text: `no file tool offered for ${path}` };
}

function usage() {
  return {
    prompt_tokens: 12,
    completion_tokens: 5,
    total_tokens: 17,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

async function streamAnswer(res: ServerResponse, model: string, answer: Answer, includeUsage: boolean, kind: string, arg?: string): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'x-request-id': 'req_fake' });
  const base = { id: 'chatcmpl-fakestream', object: 'chat.completion.chunk', created: 1754693440, model, service_tier: 'default', system_fingerprint: 'fp_fake' };
  const send = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    res.write(`data: ${JSON.stringify({ ...base, choices, ...(includeUsage ? { usage: null } : {}), ...extra })}\n\n`);
  const tick = () => new Promise((r) => setImmediate(r));

  if (kind === 'rich') {
    send([{ index: 0, delta: { role: 'assistant', content: null, reasoning_content: 'Two cities, ' }, logprobs: null, finish_reason: null }]);
    send([{ index: 0, delta: { reasoning_content: 'so two calls.' }, logprobs: null, finish_reason: null }]);
    send([{ index: 0, delta: { content: 'Checking ' }, logprobs: null, finish_reason: null }]);
    send([{ index: 0, delta: { content: 'both.' }, logprobs: null, finish_reason: null }]);
    for (const [index, city] of ['Paris', 'Rome'].entries()) {
      send([{ index: 0, delta: { tool_calls: [{ index, id: `call_rich${index}`, type: 'function', function: { name: 'get_weather', arguments: '' } }] }, logprobs: null, finish_reason: null }]);
      for (const piece of ['{"city":', `"${city}"}`]) send([{ index: 0, delta: { tool_calls: [{ index, function: { arguments: piece } }] }, logprobs: null, finish_reason: null }]);
      await tick();
    }
    send([{ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' }]);
  } else if (answer.toolCall) {
    const call = answer.toolCall;
    send([{ index: 0, delta: { role: 'assistant', content: null, tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }], refusal: null }, logprobs: null, finish_reason: null }]);
    const args = call.function.arguments;
    const pieces = args === '{"city":"Paris"}' ? ['{"', 'city', '":"', 'Par', 'is', '"}'] : [args.slice(0, 5), args.slice(5)];
    for (const piece of pieces) {
      send([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: piece } }] }, logprobs: null, finish_reason: null }]);
      await tick();
    }
    send([{ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' }]);
  } else {
    send([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }]);
    if (kind === 'cut-before-content') return void res.destroy();
    if (kind === 'drip') {
      const every = Number(arg ?? 100);
      for (let i = 0; i < 30_000 / every && !res.destroyed; i++) {
        send([{ index: 0, delta: { content: 'drip ' }, logprobs: null, finish_reason: null }]);
        await new Promise((r) => setTimeout(r, every));
      }
      return void res.end('data: [DONE]\n\n');
    }
    const errorEvent = `data: ${JSON.stringify({ error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } })}\n\n`;
    if (kind === 'stream-error-first') return void res.end(`${errorEvent}data: [DONE]\n\n`);
    for (const piece of answer.reasoning?.split(/(?<= )/) ?? []) send([{ index: 0, delta: { reasoning_content: piece }, logprobs: null, finish_reason: null }]);
    const words = (answer.text ?? '').split(/(?<= )/);
    for (const [i, word] of words.entries()) {
      if (word) send([{ index: 0, delta: { content: word }, logprobs: null, finish_reason: null }]);
      await tick();
      if (kind === 'cut-mid-stream' && i === 1) return void res.destroy();
      if (kind === 'stream-error-event' && i === 1) return void res.end(`${errorEvent}data: [DONE]\n\n`);
    }
    send([{ index: 0, delta: {}, logprobs: null, finish_reason: answer.finish ?? 'stop' }]);
  }
  if (includeUsage && kind !== 'nousage') res.write(`data: ${JSON.stringify({ ...base, choices: [], usage: usage() })}\n\n`);
  res.end('data: [DONE]\n\n');
}

/** GET /v1/models as OpenAI answers it: `{object: "list", data: [{id, object: "model", created, owned_by}]}`. */
function sendModelList(res: ServerResponse, listing: ModelListing): void {
  listing.calls++;
  if (listing.failWith !== null) return sendError(res, listing.failWith, 'server_error', 'The server had an error while processing your request. Sorry about that!');
  res.writeHead(200, { 'content-type': 'application/json', 'openai-processing-ms': '41' });
  res.end(JSON.stringify({ object: 'list', data: listing.models.map((id) => ({ id, object: 'model', created: 1721172741, owned_by: 'system' })) }));
}

function sendError(res: ServerResponse, status: number, type: string, message: string, code: string | null = null, param: string | null = null, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'req_fake_error', ...headers });
  res.end(JSON.stringify({ error: { message, type, param, code } }, null, 2));
}

function splitOnce(value: string, separator: string): [string, string | undefined] {
  const i = value.indexOf(separator);
  return i === -1 ? [value, undefined] : [value.slice(0, i), value.slice(i + 1)];
}
