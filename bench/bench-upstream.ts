// Bench upstream: a minimal OpenAI-compatible server (JSON and SSE), run in its own process.
// A streamed answer waits FIRST_CHUNK_DELAY_MS before its first chunk (the model "thinking"), then
// sends a few content chunks CHUNK_GAP_MS apart, the usage chunk and [DONE].
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const FIRST_CHUNK_DELAY_MS = 2;
const CHUNK_GAP_MS = 1;

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
const streamMiddle = [chunk({ content: ' How' }), chunk({ content: ' can I' }), chunk({ content: ' help?' })];
const streamTail =
  chunk({}, 'stop') +
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1754693440, model: 'bench-model', choices: [], usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 } })}\n\n` +
  'data: [DONE]\n\n';

type Res = import('node:http').ServerResponse;

function streamAnswer(res: Res, cut: boolean): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
  setTimeout(() => {
    if (res.destroyed) return;
    res.write(streamHead);
    // `cut` breaks the stream after its first words, for the soak's partial answers.
    if (cut) return void setTimeout(() => res.destroy(), CHUNK_GAP_MS);
    let next = 0;
    const more = () => {
      if (res.destroyed) return;
      if (next < streamMiddle.length) {
        res.write(streamMiddle[next++]);
        setTimeout(more, CHUNK_GAP_MS);
      } else res.end(streamTail);
    };
    setTimeout(more, CHUNK_GAP_MS);
  }, FIRST_CHUNK_DELAY_MS);
}

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
    if (stream) return streamAnswer(res, body.includes('"model":"cut"'));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(completion) });
    res.end(completion);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`));
