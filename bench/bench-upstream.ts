// Bench upstream: a minimal OpenAI-compatible server (JSON and SSE), run in its own process.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const completion = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1754693440,
  model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! How can I help you today?', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
});
const chunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1754693440, model: 'bench-model', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
const streamHead = chunk({ role: 'assistant', content: '' }) + chunk({ content: 'Hello!' });
const streamTail =
  chunk({ content: ' How can I help?' }) +
  chunk({}, 'stop') +
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1754693440, model: 'bench-model', choices: [], usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 } })}\n\n` +
  'data: [DONE]\n\n';

// The soak's failing traffic picks its fault by model name: `fail` answers 500, `cut` breaks a stream after its first words.
const server = createServer((req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.on('end', () => {
    const body = Buffer.concat(parts);
    const stream = body.includes('"stream":true');
    if (body.includes('"model":"fail"')) {
      res.writeHead(500, { 'content-type': 'application/json' });
      return void res.end('{"error":{"message":"bench failure","type":"server_error","param":null,"code":null}}');
    }
    if (stream && body.includes('"model":"cut"')) {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      res.write(streamHead);
      return void setTimeout(() => res.destroy(), 2);
    }
    if (stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      res.write(streamHead);
      // The rest follows a moment later, as a real model's tokens do.
      setTimeout(() => res.end(streamTail), 2);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(completion) });
    res.end(completion);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`));
