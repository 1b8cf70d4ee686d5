// A fake Ollama server on 127.0.0.1 speaking the real wire format (modelled on the recorded
// fixtures): POST /api/chat answers compact JSON, or NDJSON (`application/x-ndjson`, one
// object per `\n`-terminated line, the last with `"done":true` and counters); errors are
// `{"error":"…"}` with their status; a mid-stream failure is an `{"error"}` line in a 200.
// GET /api/tags lists the models. The model name picks the behaviour.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { modelListing, type ModelListing } from './fake-model-listing.ts';

export interface ReceivedOllamaRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, any>;
  /** True once the client closed the connection before the answer was complete. */
  closedEarly: boolean;
}

export interface FakeOllama {
  /** The host to give the adapter (no path: the SDK appends /api/...). */
  url: string;
  requests: ReceivedOllamaRequest[];
  calls(model: string): number;
  /** What GET /api/tags answers (the installed models). */
  listing: ModelListing;
  close(): Promise<void>;
}

/**
 * Behaviours by model name:
 *   text | text:<words>   answers "Hello from <model>" (or the words), streamed a word per line
 *   think                 thinking "Let me think." then content "Done thinking."
 *   tool                  calls get_weather({city:"Paris"}) unless the last message is a tool result, then answers with it
 *   two-tools             calls get_weather for Paris and Rome in two separate stream lines
 *   length                stops with done_reason "length"
 *   no-tools              400 "… does not support tools" when the request has tools, else text
 *   context               400 "the input length exceeds the context length"
 *   error:<status>        `{"error":"fake ollama error <status>"}` with that status (429/503 add retry-after: 2)
 *   midstream-error       two content lines, then an `{"error"}` line (HTTP 200)
 *   cut-mid-stream        one content line, then the socket is destroyed
 *   hang                  (stream) one content line, then nothing until the client goes away;
 *                         (non-stream) never answers
 *   tool-no-name          a tool call without a function name
 *   deep                  a tool call whose arguments nest 100,000 levels deep
 *   usage-object          text, with prompt_eval_count / eval_count that are an object and a boolean
 *   error-object          500 `{"error":{"message":"…","type":"server_error"}}`, as proxies in front of Ollama answer
 */
export async function startFakeOllama(options: { models?: string[] } = {}): Promise<FakeOllama> {
  const requests: ReceivedOllamaRequest[] = [];
  const listing = modelListing(options.models ?? ['llama3.2:latest', 'qwen2.5-coder:7b']);
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const record: ReceivedOllamaRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : {}, closedEarly: false };
    requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.closedEarly = true;
    });
    if (req.method === 'GET' && req.url === '/api/tags') {
      listing.calls++;
      return listing.failWith === null ? sendJson(res, 200, tags(listing.models)) : sendJson(res, listing.failWith, { error: 'fake ollama is unavailable' });
    }
    if (req.method === 'POST' && req.url === '/api/show') return sendJson(res, 200, show(record.body.model));
    if (req.method !== 'POST' || req.url !== '/api/chat') return sendJson(res, 404, { error: `unknown path ${req.method} ${req.url}` });
    await respond(record.body, res);
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

interface Line {
  content?: string;
  thinking?: string;
  tool_calls?: Array<{ function: { name: string; arguments: Record<string, unknown> } }>;
}

async function respond(body: Record<string, any>, res: ServerResponse): Promise<void> {
  const model: string = body.model;
  const [kind, arg] = splitOnce(model, ':');
  if (kind === 'error') {
    const status = Number(arg);
    const headers: Record<string, string> = status === 429 || status === 503 ? { 'retry-after': '2' } : {};
    return sendJson(res, status, { error: `fake ollama error ${status}` }, headers);
  }
  if (kind === 'error-object') return sendJson(res, 500, { error: { message: 'model runner has unexpectedly stopped', type: 'server_error' } });
  if (kind === 'context') return sendJson(res, 400, { error: 'the input length exceeds the context length' });
  if (kind === 'no-tools' && body.tools?.length) return sendJson(res, 400, { error: `registry.ollama.ai/library/${model} does not support tools` });
  if (kind === 'hang' && !body.stream) return; // never answers; the client's abort closes the socket

  const lines = plan(kind, arg, body);
  const doneReason = kind === 'length' ? 'length' : 'stop';
  if (!body.stream) {
    const message = { role: 'assistant', content: lines.map((l) => l.content ?? '').join('') } as Record<string, unknown>;
    const thinking = lines.map((l) => l.thinking ?? '').join('');
    if (thinking) message.thinking = thinking;
    const calls = lines.flatMap((l) => l.tool_calls ?? []);
    if (calls.length) message.tool_calls = calls;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    return void res.end(wire({ model, created_at: '2025-07-07T20:32:53.844124Z', message, done_reason: doneReason, done: true, ...counters(kind) }));
  }

  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const send = (line: Record<string, unknown>) => res.write(`${wire(line)}\n`);
  const tick = () => new Promise((r) => setImmediate(r));
  for (const [i, line] of lines.entries()) {
    send({ model, created_at: `2025-08-20T13:48:24.${String(316155 + i).padStart(6, '0')}Z`, message: { role: 'assistant', content: line.content ?? '', ...(line.thinking ? { thinking: line.thinking } : {}), ...(line.tool_calls ? { tool_calls: line.tool_calls } : {}) }, done: false });
    await tick();
    if (kind === 'midstream-error' && i === 1) return void res.end(`${JSON.stringify({ error: 'an error was encountered while running the model' })}\n`);
    if (kind === 'cut-mid-stream') return void res.destroy();
    if (kind === 'hang') return; // keeps the response open
  }
  send({ model, created_at: '2025-08-20T13:48:24.421331Z', message: { role: 'assistant', content: '' }, done_reason: doneReason, done: true, ...counters(kind) });
  res.end();
}

/** Stands for a value nested 100,000 levels deep, written in as text (too deep to stringify). */
const DEEP = '__DEEP__';
const wire = (body: unknown) => JSON.stringify(body).replace(`"${DEEP}"`, `${'['.repeat(100_000)}${']'.repeat(100_000)}`);

function plan(kind: string, arg: string | undefined, body: Record<string, any>): Line[] {
  if (kind === 'tool-no-name') return [{ tool_calls: [{ function: { arguments: { city: 'Paris' } } } as never] }];
  if (kind === 'deep') return [{ tool_calls: [{ function: { name: 'get_weather', arguments: { a: DEEP } } }] }];
  if (kind === 'think') return [{ thinking: 'Let me think.' }, { content: 'Done thinking.' }];
  if (kind === 'tool' || kind === 'two-tools') {
    const last = body.messages.at(-1);
    if (last?.role === 'tool') return words(`The weather is ${last.content}.`);
    const call = (city: string) => ({ function: { name: 'get_weather', arguments: { city } } });
    return kind === 'tool' ? [{ tool_calls: [call('Paris')] }] : [{ tool_calls: [call('Paris')] }, { tool_calls: [call('Rome')] }];
  }
  if (kind === 'midstream-error' || kind === 'cut-mid-stream' || kind === 'hang') return words('Partial answer that never ends');
  return words(arg ?? `Hello from ${body.model}`);
}

function words(text: string): Line[] {
  return text.split(/(?<= )/).map((content) => ({ content }));
}

function counters(kind = '') {
  if (kind === 'usage-object') return { prompt_eval_count: { n: 16 }, eval_count: true };
  return { total_duration: 171946792, load_duration: 38473250, prompt_eval_count: 16, prompt_eval_duration: 27608250, eval_count: 22, eval_duration: 105611917 };
}

/** GET /api/tags in the shape of ../shared/fixtures/ollama/tags.json. */
function tags(names: string[]) {
  const model = (name: string, family: string) => ({ name, model: name, modified_at: '2025-05-04T17:37:44.706015396-07:00', size: 2019393189, digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72', details: { parent_model: '', format: 'gguf', family, families: [family], parameter_size: '3.2B', quantization_level: 'Q4_K_M' } });
  return { models: names.map((name) => model(name, name.startsWith('qwen') ? 'qwen2' : 'llama')) };
}

function show(model: string) {
  const capabilities = ['completion', ...(model.startsWith('no-tools') ? [] : ['tools']), ...(model.includes('vision') ? ['vision'] : [])];
  return { modelfile: '', parameters: '', template: '{{ .Prompt }}', details: { family: 'llama' }, model_info: { 'general.architecture': 'llama', 'llama.context_length': 131072 }, capabilities };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  // Ollama's error bodies come as application/json; charset=utf-8 (see the recorded 400).
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function splitOnce(value: string, separator: string): [string, string | undefined] {
  const i = value.indexOf(separator);
  return i === -1 ? [value, undefined] : [value.slice(0, i), value.slice(i + 1)];
}
