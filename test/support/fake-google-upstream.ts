// A fake Gemini API on 127.0.0.1 speaking the real wire format (modelled on the recorded
// fixtures): `POST /v1beta/models/{model}:generateContent` answers JSON,
// `:streamGenerateContent?alt=sse` answers `data: {json}\r\n\r\n` events without [DONE], and
// errors are google.rpc.Status bodies, pretty-printed, as plain JSON even on the streaming
// endpoint. It also rejects what the real API rejects in a request (schema keywords outside
// Gemini's subset, type lists, empty OBJECT properties, ARRAY without items, roles other than
// user/model, unanswered function calls), so translation mistakes fail here as they would live.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { modelListing, type ModelListing } from './fake-model-listing.ts';

export interface GoogleRequest {
  model: string;
  stream: boolean;
  headers: IncomingMessage['headers'];
  body: Record<string, any>;
}

export interface ReplayResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface FakeGoogle {
  /** Base URL for GEMINI_BASE_URL / a google provider's baseURL. */
  url: string;
  requests: GoogleRequest[];
  /** The method and raw path of every request, matched or not (what reached this host at all). */
  paths: string[];
  calls(model: string): number;
  /** What GET /v1beta/models answers (`{models: [{name: "models/…", …}]}`). */
  listing: ModelListing;
  close(): Promise<void>;
}

export const BAD_KEY = 'bad-key';

/**
 * Behaviours by model name (`replay` answers first when it returns a response):
 *   text | text:<words>     "Hello from <model>" (or the words); streamed in three events
 *   tool                    get_weather({city:"Paris"}) with a thoughtSignature, unless the last turn
 *                           answers it: then "The weather is <result content>."
 *   tool-parallel           two get_weather calls (Paris, Rome), signature on the first
 *   thinking                a thought-summary part, then text; thoughtsTokenCount
 *   error:<status>[:REASON] a Gemini error body (429 carries RetryInfo 1.5s; REASON adds ErrorInfo)
 *   blocked                 promptFeedback.blockReason SAFETY, no candidates
 *   cut-mid-stream          one event, then the socket is destroyed
 *   stream-error            one event, then an `{"error": …}` event
 *   truncated               events without a finishReason, then a clean end
 *   slow:<ms>               waits, then answers text
 * The key `bad-key` is answered with the real 400 API_KEY_INVALID body.
 */
export async function startFakeGoogle(options: { replay?: (model: string, stream: boolean) => ReplayResponse | undefined; models?: string[] } = {}): Promise<FakeGoogle> {
  const requests: GoogleRequest[] = [];
  const paths: string[] = [];
  const listing = modelListing(options.models ?? ['gemini-2.5-flash', 'gemini-2.5-pro']);
  const server: Server = createServer(async (req, res) => {
    paths.push(`${req.method} ${req.url}`);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method === 'GET' && req.url?.split('?')[0] === '/v1beta/models') {
      const key = req.headers['x-goog-api-key'];
      if (!key || key === BAD_KEY) return sendError(res, key ? 400 : 403, key ? 'INVALID_ARGUMENT' : 'PERMISSION_DENIED', key ? 'API key not valid. Please pass a valid API key.' : "Method doesn't allow unregistered callers.", false);
      return sendModelList(res, listing);
    }
    const match = /^\/v1beta\/models\/(.+):(generateContent|streamGenerateContent)(\?alt=sse)?$/.exec(req.url ?? '');
    const stream = match?.[2] === 'streamGenerateContent';
    if (req.method !== 'POST' || !match || (stream && !match[3])) return sendError(res, 404, 'NOT_FOUND', `The requested URL ${req.url} was not found on this server.`, false);
    const model = decodeURIComponent(match[1]);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    requests.push({ model, stream, headers: req.headers, body });
    const replayed = options.replay?.(model, stream);
    if (replayed) {
      res.writeHead(replayed.status, replayed.headers);
      return void res.end(replayed.body);
    }
    const key = req.headers['x-goog-api-key'];
    if (!key) return sendError(res, 403, 'PERMISSION_DENIED', "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.", stream);
    if (key === BAD_KEY) {
      const message = 'API key not valid. Please pass a valid API key.';
      return sendError(res, 400, 'INVALID_ARGUMENT', message, stream, [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
        { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message },
      ]);
    }
    const problems = validateRequest(body);
    if (problems.length) return sendError(res, 400, 'INVALID_ARGUMENT', problems.map((p) => `* ${p}\n`).join(''), stream);
    await respond(model, stream, body, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    paths,
    calls: (model) => requests.filter((r) => r.model === model).length,
    listing,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Part = Record<string, any>;

async function respond(model: string, stream: boolean, body: Record<string, any>, res: ServerResponse): Promise<void> {
  const [kind, arg] = splitOnce(model, ':');
  if (kind === 'error') {
    const [status, reason] = splitOnce(arg ?? '500', ':');
    const code = Number(status);
    const details: Part[] = reason ? [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com' }] : [];
    if (code === 429) details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1.5s' });
    return sendError(res, code, STATUS[code] ?? 'UNKNOWN', `fake Gemini error ${code}`, stream, details.length ? details : undefined);
  }
  if (kind === 'slow') await new Promise((r) => setTimeout(r, Number(arg)));
  const usage: Part =
    kind === 'usage-object'
      ? { promptTokenCount: { n: 12 }, candidatesTokenCount: true, totalTokenCount: [17], thoughtsTokenCount: -3 }
      : { promptTokenCount: 12, candidatesTokenCount: 5, totalTokenCount: 17, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 12 }] };
  const base = { usageMetadata: usage, modelVersion: kind === 'slow' ? 'text' : kind, responseId: 'fakeResponseId1' };
  if (kind === 'blocked') return send(res, stream, [{ promptFeedback: { blockReason: 'SAFETY' }, ...base }]);

  const events: Part[][] = plan(kind, arg, model, body);
  const last = events.length - 1;
  const thoughts = kind === 'thinking' ? 40 : 0;
  const responses = events.map((parts, i) => ({
    candidates: [{ content: { parts, role: 'model' }, ...(i === last && kind !== 'truncated' ? { finishReason: 'STOP' } : {}), index: 0 }],
    ...base,
    usageMetadata: i === last || kind === 'usage-object' ? { ...usage, ...(thoughts ? { thoughtsTokenCount: thoughts, totalTokenCount: 17 + thoughts } : {}) } : { promptTokenCount: 12, totalTokenCount: 12 },
  }));
  if (!stream) {
    const parts = events.flat();
    return send(res, false, [{ ...responses[last], candidates: [{ ...responses[last].candidates[0], content: { parts, role: 'model' } }] }]);
  }
  if (kind === 'cut-mid-stream') return send(res, true, responses.slice(0, 1), true);
  if (kind === 'stream-error') return send(res, true, [responses[0], { error: { code: 500, message: 'An internal error has occurred.', status: 'INTERNAL' } }]);
  return send(res, true, responses);
}

/** The parts of each streamed event (joined into one candidate when not streaming). */
function plan(kind: string, arg: string | undefined, model: string, body: Record<string, any>): Part[][] {
  const call = (city: string, signature?: string): Part => ({ functionCall: { name: 'get_weather', args: { city } }, ...(signature ? { thoughtSignature: signature } : {}) });
  if (kind === 'tool' || kind === 'tool-parallel') {
    const results = (body.contents.at(-1)?.parts ?? []).filter((p: Part) => p.functionResponse);
    if (results.length) {
      const text = results.map((p: Part) => p.functionResponse.response.content ?? JSON.stringify(p.functionResponse.response)).join(' and ');
      return [[{ text: 'The weather is ' }], [{ text: `${text}.` }]];
    }
    return kind === 'tool' ? [[call('Paris', 'c2lnLXBhcmlz')]] : [[call('Paris', 'c2lnLXBhcmlz'), call('Rome')]];
  }
  if (kind === 'tool-no-name') return [[{ functionCall: { args: { city: 'Paris' } } }]];
  if (kind === 'deep') return [[{ functionCall: { name: 'get_weather', args: { a: DEEP } } }]];
  if (kind === 'thinking') return [[{ text: '**Weighing it**\n\nThe user wants a number.', thought: true }], [{ text: 'Forty-two.' }]];
  const words = (arg ?? `Hello from ${model}`).split(/(?<= )/);
  const third = Math.max(1, Math.ceil(words.length / 3));
  const events: Part[][] = [];
  for (let i = 0; i < words.length; i += third) events.push([{ text: words.slice(i, i + third).join('') }]);
  return events;
}

/** Stands for a value nested 100,000 levels deep, written in as text (too deep to stringify). */
const DEEP = '__DEEP__';
const wire = (body: unknown, indent?: number) => JSON.stringify(body, null, indent).replace(`"${DEEP}"`, `${'['.repeat(100_000)}${']'.repeat(100_000)}`);

function send(res: ServerResponse, stream: boolean, bodies: Part[], cut = false): void {
  if (!stream) {
    res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8', 'x-gemini-service-tier': 'standard' });
    return void res.end(wire(bodies[0], 2));
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'x-gemini-service-tier': 'standard' });
  for (const body of bodies) res.write(`data: ${wire(body)}\r\n\r\n`);
  if (cut) setTimeout(() => res.destroy(), 10);
  else res.end();
}

const STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED' };

/** GET /v1beta/models as Gemini answers it (one page; real entries carry more fields than these). */
function sendModelList(res: ServerResponse, listing: ModelListing): void {
  listing.calls++;
  if (listing.failWith !== null) return sendError(res, listing.failWith, listing.failWith === 503 ? 'UNAVAILABLE' : 'INTERNAL', 'The service is currently unavailable.', false);
  const models = listing.models.map((id) => ({
    name: `models/${id}`,
    version: '001',
    displayName: id,
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: ['generateContent', 'countTokens'],
  }));
  res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(`${JSON.stringify({ models }, null, 2)}\n`);
}

function sendError(res: ServerResponse, code: number, status: string, message: string, stream: boolean, details?: Part[]): void {
  // The streaming endpoint keeps its event-stream content type on errors; the body is plain JSON.
  res.writeHead(code, { 'content-type': stream ? 'text/event-stream' : 'application/json; charset=UTF-8' });
  res.end(`${JSON.stringify({ error: { code, message, status, ...(details ? { details } : {}) } }, null, 2)}\n`);
}

// --- what the real API rejects ---------------------------------------------------------------

const SCHEMA_KEYS = new Set(['type', 'format', 'title', 'description', 'nullable', 'enum', 'maxItems', 'minItems', 'properties', 'required', 'minProperties', 'maxProperties', 'minLength', 'maxLength', 'pattern', 'example', 'anyOf', 'propertyOrdering', 'default', 'items', 'minimum', 'maximum']);
const SCHEMA_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object', 'STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT']);
const PART_KEYS = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult'];

export function validateRequest(body: Record<string, any>): string[] {
  const problems: string[] = [];
  if (!Array.isArray(body.contents) || body.contents.length === 0) problems.push('GenerateContentRequest.contents: contents is not specified');
  let pendingCalls = 0;
  for (const [i, content] of (body.contents ?? []).entries()) {
    const at = `GenerateContentRequest.contents[${i}]`;
    if (content.role !== 'user' && content.role !== 'model') problems.push(`${at}.role: Please use a valid role: user, model.`);
    if (!Array.isArray(content.parts) || content.parts.length === 0) problems.push(`${at}.parts: contents.parts must not be empty.`);
    const parts: Part[] = content.parts ?? [];
    for (const [j, part] of parts.entries()) {
      if (PART_KEYS.filter((k) => k in part).length !== 1) problems.push(`${at}.parts[${j}].data: required oneof field 'data' must have one initialized field`);
    }
    const responses = parts.filter((p) => p.functionResponse).length;
    if (responses && responses !== pendingCalls) {
      problems.push('Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.');
    }
    pendingCalls = content.role === 'model' ? parts.filter((p) => p.functionCall).length : 0;
  }
  for (const [i, tool] of (Array.isArray(body.tools) ? body.tools : []).entries()) {
    for (const [j, fn] of (tool.functionDeclarations ?? []).entries()) {
      if (fn.parameters) validateSchema(fn.parameters, `tools[${i}].function_declarations[${j}].parameters`, problems);
    }
  }
  return problems;
}

function validateSchema(schema: Part, at: string, problems: string[]): void {
  for (const key of Object.keys(schema)) if (!SCHEMA_KEYS.has(key)) problems.push(`Invalid JSON payload received. Unknown name "${key}" at '${at}': Cannot find field.`);
  if (Array.isArray(schema.type)) problems.push(`Invalid JSON payload received. Unknown name "type" at '${at}': Proto field is not repeating, cannot start list.`);
  else if (schema.type === undefined && !schema.anyOf) problems.push(`GenerateContentRequest.${at}.type: must be specified when not using one_of, any_of or all_of fields`);
  else if (schema.type !== undefined && !SCHEMA_TYPES.has(schema.type)) problems.push(`Invalid value at '${at}.type', "${schema.type}"`);
  const type = String(schema.type ?? '').toLowerCase();
  if (schema.properties && Object.keys(schema.properties).length === 0) problems.push(`GenerateContentRequest.${at}.properties: should be non-empty for OBJECT type`);
  if (type === 'array' && !schema.items) problems.push(`GenerateContentRequest.${at}.items: missing field.`);
  if (schema.enum && (type !== 'string' || !schema.enum.every((v: unknown) => typeof v === 'string'))) problems.push(`GenerateContentRequest.${at}.enum: only allowed for STRING type`);
  if (schema.format && type === 'string' && !['enum', 'date-time'].includes(schema.format)) problems.push(`GenerateContentRequest.${at}.format: only 'enum' and 'date-time' are supported for STRING type`);
  for (const name of schema.required ?? []) if (!schema.properties?.[name]) problems.push(`GenerateContentRequest.${at}.required[${name}]: property is not defined`);
  for (const [name, sub] of Object.entries(schema.properties ?? {})) validateSchema(sub as Part, `${at}.properties[${name}]`, problems);
  if (schema.items) validateSchema(schema.items, `${at}.items`, problems);
  for (const [k, sub] of (schema.anyOf ?? []).entries()) validateSchema(sub, `${at}.any_of[${k}]`, problems);
}

function splitOnce(value: string, separator: string): [string, string | undefined] {
  const i = value.indexOf(separator);
  return i === -1 ? [value, undefined] : [value.slice(0, i), value.slice(i + 1)];
}
