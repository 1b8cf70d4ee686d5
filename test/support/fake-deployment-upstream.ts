// One OpenAI-compatible host among several serving the same model: a deployment of a group.
// It answers whatever model it is asked for with "from <name>", and counts what the tests of
// balancing need: requests, calls in flight now and at most, and the bearer keys it was sent.
// Its behaviour can be changed while it runs (delay, failing status, holding answers back).
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DeploymentBehaviour {
  /** Wait this long before the answer's headers (so it is also the time to first token). */
  delayMs?: number;
  /** Answer with this error status instead (OpenAI's error shape; a 429 carries retry-after: 30). */
  status?: number;
  /** Hold every answer until release() is called. */
  hold?: boolean;
}

export interface FakeDeployment {
  name: string;
  baseURL: string;
  requests: number;
  inFlight: number;
  maxInFlight: number;
  /** The bearer key of each request, in order. */
  keys: string[];
  set(behaviour: DeploymentBehaviour): void;
  /** Lets every held answer go. */
  release(): void;
  close(): Promise<void>;
}

export async function startFakeDeployment(name: string, initial: DeploymentBehaviour = {}): Promise<FakeDeployment> {
  let behaviour = { ...initial };
  let held: Array<() => void> = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    fake.requests++;
    fake.inFlight++;
    fake.maxInFlight = Math.max(fake.maxInFlight, fake.inFlight);
    fake.keys.push((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    res.on('close', () => fake.inFlight--);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (behaviour.hold) await new Promise<void>((resolve) => held.push(resolve));
    if (behaviour.delayMs) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
    if (behaviour.status) return sendError(res, behaviour.status);
    answer(res, name, body);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fake: FakeDeployment = {
    name,
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests: 0,
    inFlight: 0,
    maxInFlight: 0,
    keys: [],
    set: (next) => {
      behaviour = { ...next };
    },
    release: () => {
      for (const go of held) go();
      held = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        fake.release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}

const USAGE = { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 };

/** Text "from <name>", or a get_weather call when tools are offered and no tool result follows yet. */
function answer(res: ServerResponse, name: string, body: Record<string, any>): void {
  const wantsTool = Array.isArray(body.tools) && body.tools.length > 0 && body.messages?.at(-1)?.role !== 'tool';
  const toolCall = { id: `call_${name}_1`, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };
  const text = wantsTool ? null : `from ${name}`;
  const base = { id: `chatcmpl-${name}`, created: 1754693440, model: body.model };
  if (body.stream) {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = (delta: unknown, finish: string | null) => res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
    send(wantsTool ? { role: 'assistant', tool_calls: [{ index: 0, ...toolCall }] } : { role: 'assistant', content: text }, null);
    send({}, wantsTool ? 'tool_calls' : 'stop');
    res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage: USAGE })}\n\n`);
    return void res.end('data: [DONE]\n\n');
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  const message = { role: 'assistant', content: text, ...(wantsTool ? { tool_calls: [toolCall] } : {}) };
  res.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: wantsTool ? 'tool_calls' : 'stop' }], usage: USAGE }));
}

/** A 429 asks the caller to wait 30 s, as rate-limited providers do. */
function sendError(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '30' } : {}) });
  res.end(JSON.stringify({ error: { message: `fake deployment error ${status}`, type: status >= 500 ? 'server_error' : 'invalid_request_error', param: null, code: null } }));
}
