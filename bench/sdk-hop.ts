// Where a proxy hop's CPU goes: the same upstream call made raw with undici's pooled request,
// through the openai SDK with the project's pooled fetch, and through the SDK with the global
// fetch. Prints CPU microseconds per call, measured in this process (bounded: a fixed count).
//   node bench/sdk-hop.ts <upstream port>
import OpenAI from 'openai';
import { Agent, request } from 'undici';
import { createPooledFetch } from '../service/providers/pooled-fetch.ts';

const base = `http://127.0.0.1:${process.argv[2]}/v1`;
const calls = Number(process.env.BENCH_HOP_CALLS ?? 6000);
const body = { model: 'bench-model', messages: [{ role: 'user', content: 'Hello there, how are you today?' }] };
const agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
const viaPooled = new OpenAI({ apiKey: 'x', baseURL: base, maxRetries: 0, fetch: createPooledFetch() as never });
const viaGlobal = new OpenAI({ apiKey: 'x', baseURL: base, maxRetries: 0 });

const variants: Array<[string, () => Promise<unknown>]> = [
  ['undici request (raw)', async () => (await request(`${base}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), dispatcher: agent })).body.json()],
  ['openai SDK + pooled fetch', () => viaPooled.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming)],
  ['openai SDK + global fetch', () => viaGlobal.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming)],
];

for (const [name, call] of variants) {
  for (let i = 0; i < 1500; i++) await call(); // warm-up
  const before = process.cpuUsage();
  let left = calls;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (left-- > 0) await call();
  }));
  const used = process.cpuUsage(before);
  console.log(`${name.padEnd(38)} ${((used.user + used.system) / calls).toFixed(0).padStart(5)} µs CPU per call`);
}
// Time to the first content of a streamed answer, one request at a time: what the SDK adds to a
// stream's first byte before the gateway does anything with it.
const streamed = { ...body, stream: true };
const firstContent: Array<[string, () => Promise<number>]> = [
  ['undici request (raw)', async () => {
    const started = performance.now();
    const res = await request(`${base}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(streamed), dispatcher: agent });
    let at = NaN;
    for await (const piece of res.body) if (Number.isNaN(at) && String(piece).includes('"content":"H')) at = performance.now() - started;
    return at;
  }],
  ['openai SDK + pooled fetch', async () => {
    const started = performance.now();
    const stream = await viaPooled.chat.completions.create(streamed as OpenAI.ChatCompletionCreateParamsStreaming);
    let at = NaN;
    for await (const chunk of stream) if (Number.isNaN(at) && chunk.choices[0]?.delta?.content) at = performance.now() - started;
    return at;
  }],
];
console.log('');
for (const [name, call] of firstContent) {
  for (let i = 0; i < 100; i++) await call();
  const times: number[] = [];
  for (let i = 0; i < 400; i++) times.push(await call());
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(38)} ${times[200].toFixed(3).padStart(7)} ms to first content (p50)`);
}
await agent.close();
