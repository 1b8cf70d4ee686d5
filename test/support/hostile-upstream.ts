// A misbehaving OpenAI-compatible upstream on 127.0.0.1: one mode per fault a real host (or an
// attacker in the middle) can produce, so each hardening test names the fault it plays.
//
// Mode selection, first match wins:
//   1. the request header `x-hostile-mode: <mode>[:<arg>]` (set it per provider with ROUTER_CONFIG `headers`);
//   2. the model name: `<mode>[:<arg>]`, or `<anything>@<mode>[:<arg>]`; a `#suffix` is ignored, so one mode
//      can stand behind several distinct targets (`usage-object#1`, `usage-object#2`);
//   3. the server's default mode (`startHostileUpstream({ defaultMode })`, `setDefaultMode()`), 'ok' unless set.
// An unknown name is 'ok'. Every mode answers both plain and streamed requests (`"stream": true`, or
// `alt=sse` in the query as Gemini asks). Modes marked * answer on ANY POST path, so they play the same
// fault for Anthropic (/v1/messages), Gemini (/v1beta/models/…) and Ollama (/api/chat) adapters too;
// the others answer on <prefix>/chat/completions only (404 elsewhere).
//
// | mode               | arg (default)  | plain answer                                   | streamed answer                                  |
// |--------------------|----------------|------------------------------------------------|--------------------------------------------------|
// | ok                 |                | a normal completion "Hello from <model>"        | role, two words, finish, usage chunk, [DONE]     |
// | no-choices-first   |                | a completion with no `choices` key             | first chunk has no `choices`, then a normal one  |
// | usage-object       |                | usage token counts are objects                 | the usage chunk's counts are objects             |
// | usage-boolean      |                | usage token counts are booleans                | same, booleans                                   |
// | usage-array        |                | usage token counts are arrays                  | same, arrays                                     |
// | usage-negative     |                | usage counts -5, and 1e400 (parses as Infinity)| same                                             |
// | huge *             | bytes (50 MiB) | one completion whose content is that big       | content chunks adding up to that size            |
// | endless *          |                | a JSON body that never ends (chunked)          | content chunks that never end                    |
// | long-line *        | bytes (8 MiB)  | same as huge                                   | one SSE `data:` line of that size, no newline, then the connection stays open |
// | deep               | levels (100000)| message.annotations nested that deep           | a content chunk whose delta.annotations is nested that deep |
// | tool-no-function   |                | a tool call without `function`                 | a tool-call delta without `function`, finish tool_calls |
// | echo-auth *        |                | 401 whose message echoes the Authorization header (and x-api-key / x-goog-api-key) verbatim | same (errors come before any stream) |
// | html-error *       | status (502)   | an nginx-style HTML error page, text/html       | same                                             |
// | retry-after-huge * |                | 429 with Retry-After: 999999999                 | same                                             |
// | reset-mid-body *   |                | headers and half a JSON body, then a reset      | two content chunks, then a reset                 |
// | never *            |                | accepts the request and never answers           | same                                             |
//
// Every loop that writes is bounded by the client going away, and 'endless' also by 4 GiB.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const HOSTILE_MODES = [
  'ok',
  'no-choices-first',
  'usage-object',
  'usage-boolean',
  'usage-array',
  'usage-negative',
  'huge',
  'endless',
  'long-line',
  'deep',
  'tool-no-function',
  'echo-auth',
  'html-error',
  'retry-after-huge',
  'reset-mid-body',
  'never',
] as const;

export type HostileMode = (typeof HOSTILE_MODES)[number];

/** Modes whose fault does not depend on the wire format: answered on any POST path. */
export const ANY_PATH_MODES: readonly HostileMode[] = ['huge', 'endless', 'long-line', 'echo-auth', 'html-error', 'retry-after-huge', 'reset-mid-body', 'never'];

export interface HostileRequest {
  path: string;
  method: string;
  headers: IncomingMessage['headers'];
  /** The parsed JSON body, or null when it was not JSON. */
  body: Record<string, any> | null;
  mode: HostileMode;
  arg: string | undefined;
}

export interface HostileUpstream {
  url: string;
  /** Base URL an OpenAI-family provider is configured with (ends in the path prefix, /v1 by default). */
  baseURL: string;
  requests: HostileRequest[];
  /** Requests received, all of them or those played in one mode. */
  calls(mode?: HostileMode): number;
  /** Responses whose connection closed before the answer was finished (the gateway gave up or was cut). */
  closedEarly(): number;
  /** Bytes of answer body written so far, over all requests (how much the gateway was offered). */
  bytesSent(): number;
  setDefaultMode(mode: HostileMode): void;
  close(): Promise<void>;
}

const MIB = 1024 * 1024;
/** The request bodies this fake reads: enough for any test prompt. */
const MAX_REQUEST_BYTES = 8 * MIB;
const ENDLESS_LIMIT = 4 * 1024 * MIB;

export async function startHostileUpstream(options: { pathPrefix?: string; defaultMode?: HostileMode } = {}): Promise<HostileUpstream> {
  const prefix = options.pathPrefix ?? '/v1';
  let defaultMode: HostileMode = options.defaultMode ?? 'ok';
  const requests: HostileRequest[] = [];
  const open = new Set<ServerResponse>();
  let closedEarly = 0;
  let sent = 0;
  const server: Server = createServer(async (req, res) => {
    open.add(res);
    res.on('close', () => {
      open.delete(res);
      if (!res.writableFinished) closedEarly++;
    });
    const countingWrite = res.write.bind(res) as (chunk: string | Buffer) => boolean;
    (res as { write: unknown }).write = (chunk: string | Buffer) => {
      sent += Buffer.byteLength(chunk);
      return countingWrite(chunk);
    };
    const raw = await readBody(req);
    const body = parseJson(raw);
    const [mode, arg] = pickMode(String(req.headers['x-hostile-mode'] ?? ''), typeof body?.model === 'string' ? body.model : '', defaultMode);
    requests.push({ path: req.url ?? '', method: req.method ?? '', headers: req.headers, body, mode, arg });
    const chatPath = req.url === `${prefix}/chat/completions`;
    if (req.method !== 'POST' || !body || (!chatPath && !ANY_PATH_MODES.includes(mode))) {
      return sendError(res, 404, 'invalid_request_error', `Unknown request URL: ${req.method} ${req.url}`);
    }
    try {
      await answer(mode, arg, body, req, res);
    } catch {
      res.destroy();
    }
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseURL: `${url}${prefix}`,
    requests,
    calls: (mode) => (mode ? requests.filter((r) => r.mode === mode).length : requests.length),
    closedEarly: () => closedEarly,
    bytesSent: () => sent,
    setDefaultMode: (mode) => void (defaultMode = mode),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function pickMode(header: string, model: string, fallback: HostileMode): [HostileMode, string | undefined] {
  for (const spec of [header, model]) {
    if (!spec) continue;
    const bare = spec.split('#')[0];
    const [name, arg] = splitOnce(bare.includes('@') ? bare.slice(bare.lastIndexOf('@') + 1) : bare, ':');
    if ((HOSTILE_MODES as readonly string[]).includes(name)) return [name as HostileMode, arg];
  }
  return [fallback, undefined];
}

async function answer(mode: HostileMode, arg: string | undefined, body: Record<string, any>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const stream = body.stream === true || /[?&]alt=sse\b/.test(req.url ?? '');
  const model = String(body.model ?? 'unnamed');
  switch (mode) {
    case 'echo-auth': {
      const shown = ['authorization', 'x-api-key', 'x-goog-api-key'].map((h) => req.headers[h]).filter(Boolean).join(' ');
      return sendError(res, 401, 'invalid_request_error', `Incorrect API key provided: ${shown}. You can find your API key at https://platform.example/account/api-keys.`, 'invalid_api_key', null, { 'www-authenticate': `Bearer realm="${shown}"` }, { metadata: { raw: shown } });
    }
    case 'html-error': {
      const status = Number(arg ?? 502);
      res.writeHead(status, { 'content-type': 'text/html' });
      return void res.end(`<html>\r\n<head><title>${status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>${status} Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n<script>var leak = "${'x'.repeat(2000)}";</script>\r\n</body>\r\n</html>\r\n`);
    }
    case 'retry-after-huge':
      return sendError(res, 429, 'rate_limit_exceeded', 'Rate limit reached; try again later.', 'rate_limit_exceeded', null, { 'retry-after': '999999999' });
    case 'never':
      return; // the response stays open until the caller gives up or the server closes
    case 'endless':
      return stream ? endlessStream(res, model) : endlessPlain(res);
    case 'long-line':
      if (stream) return longLine(res, Number(arg ?? 8 * MIB));
      return hugePlain(res, model, Number(arg ?? 8 * MIB));
    case 'huge':
      return stream ? hugeStream(res, model, Number(arg ?? 50 * MIB)) : hugePlain(res, model, Number(arg ?? 50 * MIB));
    case 'reset-mid-body':
      if (stream) {
        startStream(res);
        res.write(sse(chunk(model, { role: 'assistant', content: 'Hello ' })));
        res.write(sse(chunk(model, { content: 'from ' })));
        return void setTimeout(() => res.destroy(), 5);
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400' });
      res.write('{"id": "chatcmpl-x", "object": "chat.completion", "choices": [{"index": 0, ');
      return void setTimeout(() => res.destroy(), 5);
    default:
      return stream ? normalStream(res, mode, arg, model) : normalPlain(res, mode, arg, model);
  }
}

function normalPlain(res: ServerResponse, mode: HostileMode, arg: string | undefined, model: string): void {
  const message: Record<string, unknown> = { role: 'assistant', content: `Hello from ${model}`, refusal: null };
  if (mode === 'tool-no-function') Object.assign(message, { content: null, tool_calls: [{ id: 'call_hostile', type: 'function' }] });
  const completion: Record<string, unknown> = {
    id: 'chatcmpl-hostile',
    object: 'chat.completion',
    created: 1754693440,
    model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: mode === 'tool-no-function' ? 'tool_calls' : 'stop' }],
    usage: usageFor(mode),
  };
  if (mode === 'no-choices-first') delete completion.choices;
  const text = JSON.stringify(completion).replace('"INF"', '1e400');
  // Built as text: JSON.stringify of a value this deep would overflow this process's stack too.
  const out = mode === 'deep' ? text.replace('"refusal":null', `"refusal":null,"annotations":${nested(Number(arg ?? 100_000))}`) : text;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(out);
}

async function normalStream(res: ServerResponse, mode: HostileMode, arg: string | undefined, model: string): Promise<void> {
  startStream(res);
  if (mode === 'no-choices-first') res.write(sse({ id: 'chatcmpl-hostile', object: 'chat.completion.chunk', created: 1754693440, model }));
  if (mode === 'tool-no-function') {
    res.write(sse(chunk(model, { role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_hostile', type: 'function' }] })));
    res.write(sse(chunk(model, {}, 'tool_calls')));
  } else {
    res.write(sse(chunk(model, { role: 'assistant', content: '' })));
    if (mode === 'deep') {
      const text = JSON.stringify(chunk(model, { content: 'Hello ', annotations: 'DEEP' })).replace('"DEEP"', nested(Number(arg ?? 100_000)));
      res.write(`data: ${text}\n\n`);
    } else res.write(sse(chunk(model, { content: 'Hello ' })));
    await tick();
    res.write(sse(chunk(model, { content: `from ${model}` })));
    res.write(sse(chunk(model, {}, 'stop')));
  }
  res.write(sse({ id: 'chatcmpl-hostile', object: 'chat.completion.chunk', created: 1754693440, model, choices: [], usage: usageFor(mode) }));
  res.end('data: [DONE]\n\n');
}

function usageFor(mode: HostileMode): Record<string, unknown> {
  switch (mode) {
    case 'usage-object':
      return { prompt_tokens: { n: 12 }, completion_tokens: { n: 5 }, total_tokens: { n: 17 }, prompt_tokens_details: { cached_tokens: { n: 1 } } };
    case 'usage-boolean':
      return { prompt_tokens: true, completion_tokens: false, total_tokens: true, prompt_tokens_details: { cached_tokens: true } };
    case 'usage-array':
      return { prompt_tokens: [12], completion_tokens: [5, 5], total_tokens: [], prompt_tokens_details: { cached_tokens: [1] } };
    case 'usage-negative':
      // Written raw below: 1e400 is valid JSON text that parses as Infinity.
      return { prompt_tokens: -5, completion_tokens: 'INF', total_tokens: -1, prompt_tokens_details: { cached_tokens: -2 } };
    default:
      return { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } };
  }
}

function hugePlain(res: ServerResponse, model: string, bytes: number): Promise<void> {
  const head = `{"id":"chatcmpl-hostile","object":"chat.completion","created":1754693440,"model":${JSON.stringify(model)},"choices":[{"index":0,"message":{"role":"assistant","content":"`;
  const tail = `"},"finish_reason":"stop"}],"usage":${JSON.stringify(usageFor('ok'))}}`;
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(head.length + bytes + tail.length) });
  return writeFiller(res, head, bytes, tail);
}

async function hugeStream(res: ServerResponse, model: string, bytes: number): Promise<void> {
  startStream(res);
  const piece = 'a'.repeat(64 * 1024);
  for (let written = 0; written < bytes && !res.destroyed; written += piece.length) {
    if (!(await write(res, sse(chunk(model, { content: piece }))))) return;
  }
  res.write(sse(chunk(model, {}, 'stop')));
  res.end('data: [DONE]\n\n');
}

async function endlessPlain(res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json' });
  await writeFiller(res, '{"id":"chatcmpl-hostile","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"', ENDLESS_LIMIT, '');
}

async function endlessStream(res: ServerResponse, model: string): Promise<void> {
  startStream(res);
  const frame = sse(chunk(model, { content: 'a'.repeat(16 * 1024) }));
  for (let written = 0; written < ENDLESS_LIMIT; written += frame.length) if (!(await write(res, frame))) return;
}

/** One `data:` line that never ends: the event's newline is what a line parser waits for. */
async function longLine(res: ServerResponse, bytes: number): Promise<void> {
  startStream(res);
  await writeFiller(res, 'data: {"choices":[{"index":0,"delta":{"content":"', bytes, '');
}

/** Writes head, `bytes` of filler and tail, waiting for the reader; stops when the reader goes away. */
async function writeFiller(res: ServerResponse, head: string, bytes: number, tail: string): Promise<void> {
  if (!(await write(res, head))) return;
  const piece = Buffer.alloc(64 * 1024, 'a');
  for (let left = bytes; left > 0; left -= piece.length) {
    if (!(await write(res, left >= piece.length ? piece : piece.subarray(0, left)))) return;
  }
  if (tail) res.end(tail);
}

/** Resolves true once the data is taken, false when the connection went away first. */
function write(res: ServerResponse, data: string | Buffer): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  if (res.write(data)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

function nested(levels: number): string {
  return '['.repeat(levels) + ']'.repeat(levels);
}

function chunk(model: string, delta: Record<string, unknown>, finish: string | null = null): Record<string, unknown> {
  return { id: 'chatcmpl-hostile', object: 'chat.completion.chunk', created: 1754693440, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] };
}

function sse(value: unknown): string {
  return `data: ${JSON.stringify(value).replace('"INF"', '1e400')}\n\n`;
}

function startStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
}

function sendError(res: ServerResponse, status: number, type: string, message: string, code: string | null = null, param: string | null = null, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify({ error: { message, type, param, code, ...extra } }));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const piece of req) {
    size += (piece as Buffer).length;
    if (size <= MAX_REQUEST_BYTES) chunks.push(piece as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): Record<string, any> | null {
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function splitOnce(value: string, separator: string): [string, string | undefined] {
  const i = value.indexOf(separator);
  return i === -1 ? [value, undefined] : [value.slice(0, i), value.slice(i + 1)];
}
