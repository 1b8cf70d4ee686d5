// A fake Anthropic Messages API on 127.0.0.1 that speaks the real wire format (modelled on
// the recorded fixtures): POST /v1/messages, compact JSON messages, SSE as
// `event: <type>\ndata: {json}<padding>\n\n` with a `{"type": "ping"}`, Anthropic error bodies
// `{"type":"error","error":{type,message},"request_id"}` with their statuses. It also checks the
// request the way the API does (alternating roles, tool_result ids, max_tokens…), so a badly
// translated request fails here as it would there. The model name picks the behaviour.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { modelListing, type ModelListing } from './fake-model-listing.ts';

export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, any>;
}

export interface FakeAnthropic {
  /** Base URL the Anthropic SDK expects (no /v1: the SDK adds it). */
  url: string;
  requests: ReceivedRequest[];
  calls(model: string): number;
  /** What GET /v1/models answers (Anthropic's paged list shape). */
  listing: ModelListing;
  close(): Promise<void>;
}

/**
 * Behaviours by model name:
 *   text | text:<words>   answers "Hello from <model>" (or the words)
 *   tool                  calls get_weather({"city":"Paris"}) unless the last user turn holds a tool_result, then answers with it
 *   thinking              a thinking block, then text "The answer is 42."
 *   error:<status>        Anthropic error body with that status (429 adds retry-after: 1; 529 is overloaded_error)
 *   stream-error          streams some text, then `event: error` overloaded_error (HTTP 200)
 *   stream-error-first    `event: error` overloaded_error before anything else (HTTP 200)
 *   cut-mid-stream        streams some text, then the socket is destroyed
 *   slow:<ms>             waits, then answers text
 *   tool-no-name          a tool_use block without a name (plain and streamed)
 *   deep                  a tool_use block whose input nests 100,000 levels deep
 *   usage-object          text, with usage counts that are objects, booleans and arrays
 *   echo-key              401 whose message echoes the x-api-key it was sent
 *   agent                 a coding agent's two steps: with a *.txt path in the last user turn, calls Read({file_path});
 *                         once the last turn holds its tool_result, answers "The file says: <result>"
 * POST /v1/messages/count_tokens answers {"input_tokens": 42}.
 */
export async function startFakeAnthropic(options: { models?: string[] } = {}): Promise<FakeAnthropic> {
  const requests: ReceivedRequest[] = [];
  const listing = modelListing(options.models ?? ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001']);
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    // The query (the beta client's `?beta=true`, a listing's paging) is not part of the route.
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      if (!req.headers['x-api-key'] && !req.headers.authorization) return sendError(res, 401, 'authentication_error', 'x-api-key header is required');
      return sendModelList(res, listing);
    }
    if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
      requests.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') });
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"input_tokens":42}');
    }
    if (req.method !== 'POST' || path !== '/v1/messages') {
      return sendError(res, 404, 'not_found_error', `Not Found: ${req.method} ${req.url}`);
    }
    if (!req.headers['x-api-key'] && !req.headers.authorization) {
      return sendError(res, 401, 'authentication_error', 'x-api-key header is required');
    }
    if (!req.headers['anthropic-version']) return sendError(res, 400, 'invalid_request_error', 'anthropic-version: header is required');
    let body: Record<string, any>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return sendError(res, 400, 'invalid_request_error', 'There was an issue with your request body: invalid JSON');
    }
    requests.push({ path: req.url ?? '', headers: req.headers, body });
    Object.defineProperty(body, '__key', { value: req.headers['x-api-key'] ?? req.headers.authorization, enumerable: false });
    let problem: string | null;
    try {
      problem = validate(body);
    } catch {
      // A body of a shape the checks below do not expect (a null where an object goes): the API refuses those too.
      problem = 'There was an issue with the request body: Input should be a valid dictionary';
    }
    if (problem) return sendError(res, 400, 'invalid_request_error', problem);
    await respond(body, res);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    calls: (model) => requests.filter((r) => r.body.model === model).length,
    listing,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The checks the real API makes that a translation could get wrong; wording as the API's. */
function validate(body: Record<string, any>): string | null {
  if (typeof body.model !== 'string' || !body.model) return 'model: Field required';
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) return 'max_tokens: Field required';
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages: at least one message is required';
  if (body.temperature !== undefined && body.temperature !== null && (body.temperature < 0 || body.temperature > 1)) return 'temperature: range: 0..1';
  if (body.tool_choice && !(Array.isArray(body.tools) && body.tools.length > 0)) return 'tool_choice may only be specified while providing tools.';
  if (body.tools !== undefined && !Array.isArray(body.tools)) return 'tools: Input should be a valid list';
  for (const tool of body.tools ?? []) {
    if (!tool?.name || tool.input_schema?.type !== 'object') return 'tools.0.input_schema: Input should be an object schema';
  }
  let previousToolUses = new Set<string>();
  for (const [i, message] of body.messages.entries()) {
    // Mid-conversation system turns are accepted, as the API does for the betas Claude Code sends.
    if (message.role !== 'user' && message.role !== 'assistant' && message.role !== 'system') return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    if (i > 0 && body.messages[i - 1].role === message.role) return 'messages: roles must alternate between "user" and "assistant", but found multiple "' + message.role + '" roles in a row';
    const content = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    if (!Array.isArray(content) || content.length === 0) return `messages.${i}: all messages must have non-empty content`;
    for (const [j, block] of content.entries()) {
      if (block.type === 'text' && !block.text) return `messages.${i}.content.${j}.text: text content blocks must be non-empty`;
      if (block.type === 'tool_result' && !previousToolUses.has(block.tool_use_id)) {
        return `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${block.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      }
      if (block.type === 'tool_use' && (typeof block.input !== 'object' || block.input === null || Array.isArray(block.input))) return `messages.${i}.content.${j}.tool_use.input: Input should be a valid dictionary`;
    }
    previousToolUses = new Set(content.filter((b: any) => b.type === 'tool_use').map((b: any) => b.id));
  }
  return null;
}

type Block = { type: 'text'; text: string } | { type: 'thinking'; thinking: string; signature: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

async function respond(body: Record<string, any>, res: ServerResponse): Promise<void> {
  const model: string = body.model;
  const [kind, arg] = splitOnce(model, ':');
  if (kind === 'error') return sendStatusError(res, Number(arg));
  if (kind === 'slow') await new Promise((r) => setTimeout(r, Number(arg)));
  if (kind === 'tool-no-name' || kind === 'deep') return hostileToolUse(res, model, kind, Boolean(body.stream));
  if (kind === 'echo-key') return sendError(res, 401, 'authentication_error', `invalid x-api-key: ${body.__key}`);

  const blocks = plan(kind, arg, body);
  const stopReason = blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
  if (body.stream) return streamAnswer(res, model, blocks, stopReason, kind);
  res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_fake', 'anthropic-organization-id': 'org-fake' });
  const wireUsage = kind === 'usage-object' ? { input_tokens: { n: 12 }, output_tokens: true, cache_read_input_tokens: [4], cache_creation_input_tokens: -1 } : usage(5);
  res.end(JSON.stringify({ model, id: 'msg_fake1', type: 'message', role: 'assistant', content: blocks.map(wireBlock), stop_reason: stopReason, stop_sequence: null, usage: wireUsage }));
}

/** A tool_use the gateway cannot deliver: no name, or an input nested 100,000 deep (built as text: too deep to stringify). */
function hostileToolUse(res: ServerResponse, model: string, kind: string, stream: boolean): void {
  const block = kind === 'deep' ? `{"type":"tool_use","id":"toolu_deep","name":"get_weather","input":{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}}` : '{"type":"tool_use","id":"toolu_noname","input":{"city":"Paris"}}';
  if (!stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(`{"model":${JSON.stringify(model)},"id":"msg_hostile","type":"message","role":"assistant","content":[${block}],"stop_reason":"tool_use","stop_sequence":null,"usage":${JSON.stringify(usage(5))}}`);
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
  event(res, 'message_start', { type: 'message_start', message: { model, id: 'msg_hostile', type: 'message', role: 'assistant', content: [], stop_reason: null, stop_sequence: null, usage: usage(1) } });
  res.write(`event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":${block}}\n\n`);
  event(res, 'content_block_stop', { type: 'content_block_stop', index: 0 });
  event(res, 'message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 5 } });
  event(res, 'message_stop', { type: 'message_stop' });
  res.end();
}

function plan(kind: string, arg: string | undefined, body: Record<string, any>): Block[] {
  if (kind === 'agent') return agentStep(body);
  if (kind === 'tool') {
    const last = body.messages.at(-1);
    const result = Array.isArray(last?.content) ? last.content.find((b: any) => b.type === 'tool_result') : undefined;
    if (result) {
      const text = typeof result.content === 'string' ? result.content : (result.content ?? []).map((b: any) => b.text ?? '').join('');
      return [{ type: 'text', text: `The weather is ${text}.` }];
    }
    return [{ type: 'tool_use', id: 'toolu_fake123', name: 'get_weather', input: { city: 'Paris' } }];
  }
  if (kind === 'thinking') {
    return [
      { type: 'thinking', thinking: 'The user wants the answer. It is 42.', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds' },
      { type: 'text', text: 'The answer is 42.' },
    ];
  }
  return [{ type: 'text', text: arg ?? `Hello from ${body.model}` }];
}

/** The last user turn (a trailing system turn is context, not the user speaking). */
function lastUserTurn(body: Record<string, any>): any {
  return [...body.messages].reverse().find((m: any) => m.role === 'user');
}

function agentStep(body: Record<string, any>): Block[] {
  const last = lastUserTurn(body);
  const blocks: any[] = typeof last?.content === 'string' ? [{ type: 'text', text: last.content }] : (last?.content ?? []);
  const result = blocks.find((b) => b.type === 'tool_result');
  if (result) {
    const text = typeof result.content === 'string' ? result.content : (result.content ?? []).map((b: any) => b.text ?? '').join('');
    return [{ type: 'text', text: `The file says: ${text}` }];
  }
  const path = /(\/[^\s"'<>]+\.txt)/.exec(blocks.map((b) => b.text ?? '').join('\n'))?.[1];
  if (!path) return [{ type: 'text', text: `Hello from ${body.model}` }];
  return [{ type: 'tool_use', id: 'toolu_agent_read1', name: 'Read', input: { file_path: path } }];
}

function wireBlock(block: Block): Record<string, unknown> {
  return block.type === 'tool_use' ? { ...block, caller: { type: 'direct' } } : block;
}

function usage(output: number) {
  return {
    input_tokens: 12,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 4,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: output,
    service_tier: 'standard',
    inference_geo: 'not_available',
  };
}

let padding = 0;
/** The API pads each data line with a varying run of spaces; clients must not care. */
function event(res: ServerResponse, type: string, data: unknown): void {
  padding = (padding + 3) % 11;
  res.write(`event: ${type}\ndata: ${JSON.stringify(data)}${' '.repeat(padding)}\n\n`);
}

async function streamAnswer(res: ServerResponse, model: string, blocks: Block[], stopReason: string, kind: string): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': 'req_fake_stream' });
  const tick = () => new Promise((r) => setImmediate(r));
  const overloaded = { type: 'error', error: { details: null, type: 'overloaded_error', message: 'Overloaded' } };
  if (kind === 'stream-error-first') {
    event(res, 'error', overloaded);
    return void res.end();
  }
  event(res, 'message_start', { type: 'message_start', message: { model, id: 'msg_fakestream', type: 'message', role: 'assistant', content: [], stop_reason: null, stop_sequence: null, usage: kind === 'usage-object' ? { input_tokens: [12], output_tokens: false } : { ...usage(1) } } });
  for (const [index, block] of blocks.entries()) {
    const start = block.type === 'text' ? { type: 'text', text: '' } : block.type === 'thinking' ? { type: 'thinking', thinking: '', signature: '' } : { ...wireBlock(block), input: {} };
    event(res, 'content_block_start', { type: 'content_block_start', index, content_block: start });
    if (index === 0) res.write('event: ping\ndata: {"type": "ping"}\n\n');
    if (block.type === 'tool_use') {
      const json = JSON.stringify(block.input);
      for (const piece of ['', ...splitEvery(json, 4)]) {
        event(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } });
        await tick();
      }
    } else if (block.type === 'thinking') {
      for (const piece of block.thinking.split(/(?<= )/)) event(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: piece } });
      event(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } });
    } else {
      for (const [i, word] of block.text.split(/(?<= )/).entries()) {
        event(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: word } });
        await tick();
        if (i === 1 && kind === 'cut-mid-stream') return void res.destroy();
        if (i === 1 && kind === 'stream-error') {
          event(res, 'error', overloaded);
          return void res.end();
        }
      }
    }
    event(res, 'content_block_stop', { type: 'content_block_stop', index });
  }
  const finalUsage = kind === 'usage-object' ? { input_tokens: { n: 12 }, cache_creation_input_tokens: [0], cache_read_input_tokens: true, output_tokens: { n: 5 } } : { input_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 4, output_tokens: 5 };
  event(res, 'message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: finalUsage });
  event(res, 'message_stop', { type: 'message_stop' });
  res.end();
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

function sendStatusError(res: ServerResponse, status: number): void {
  const type = ERROR_TYPES[status] ?? 'api_error';
  const headers: Record<string, string> = status === 429 ? { 'retry-after': '1', 'x-should-retry': 'true' } : {};
  const message = status === 529 ? 'Overloaded' : `fake upstream error ${status}`;
  sendError(res, status, type, message, headers);
}

/** GET /v1/models as Anthropic answers it: one page, newest first, with the paging fields. */
function sendModelList(res: ServerResponse, listing: ModelListing): void {
  listing.calls++;
  if (listing.failWith !== null) return sendError(res, listing.failWith, listing.failWith === 529 ? 'overloaded_error' : 'api_error', listing.failWith === 529 ? 'Overloaded' : 'Internal server error');
  const data = listing.models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-09-29T00:00:00Z' }));
  res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_fake_models' });
  res.end(JSON.stringify({ data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null }));
}

function sendError(res: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_fake_error', 'x-should-retry': status >= 500 || status === 429 ? 'true' : 'false', ...headers });
  res.end(JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_fake_error' }));
}

function splitEvery(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function splitOnce(value: string, separator: string): [string, string | undefined] {
  const i = value.indexOf(separator);
  return i === -1 ? [value, undefined] : [value.slice(0, i), value.slice(i + 1)];
}
