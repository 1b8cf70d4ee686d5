// node bench/cache-bench.ts: what a response-cache hit costs and how many the gateway serves.
//   latency:    sequential requests, direct to the upstream vs a gateway cache hit (p50 and p99; the
//               difference is what a hit adds over calling the upstream yourself)
//   throughput: concurrent requests, gateway cache hits vs the raw node:http proxy floor, with the
//               same gateway with the cache off (every request walks to the upstream) for context
// Each measurement runs in its own load process (bench/load-client.ts); targets take turns within
// a round and the median over rounds is reported. BENCH_ROUNDS, BENCH_CONCURRENCY, BENCH_REQUESTS
// and BENCH_SECONDS scale it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGatewayProcess, writeGatewayFiles } from '../test/support/gateway-process.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const dir = mkdtempSync(path.join(tmpdir(), 'router-cache-bench-'));
const children: ChildProcess[] = [];
const settings = {
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 32),
  count: Number(process.env.BENCH_REQUESTS ?? 20_000),
  seconds: Number(process.env.BENCH_SECONDS ?? 10),
  sequential: Number(process.env.BENCH_SEQUENTIAL_REQUESTS ?? 1000),
};

interface LoadResult {
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
  ttfb_p50: number;
  ttfb_p99: number;
}

try {
  const upstream = await startWithPort('bench/bench-upstream.ts', []);
  const floor = await startWithPort('bench/floor-proxy.ts', [String(upstream)]);
  const files = writeGatewayFiles(dir, { providers: { bench: { type: 'openai', baseURL: `http://127.0.0.1:${upstream}/v1` } } }, () => ['bench/bench-model']);
  const gateway = await startGatewayProcess({ ...files, ROUTER_CACHE: 'on' });
  children.push(gateway.child);
  const offDir = path.join(dir, 'off');
  mkdirSync(offDir);
  const uncached = await startGatewayProcess(writeGatewayFiles(offDir, { providers: { bench: { type: 'openai', baseURL: `http://127.0.0.1:${upstream}/v1` } } }, () => ['bench/bench-model']));
  children.push(uncached.child);

  const message = { role: 'user', content: 'Hello there, how are you today?' };
  const direct = writeBody('direct.json', { model: 'bench-model', messages: [message] });
  const hit = writeBody('hit.json', { model: 'bench/bench-model', messages: [message] });
  const streamedHit = writeBody('hit-stream.json', { model: 'bench/bench-model', stream: true, messages: [message] });
  const directStream = writeBody('direct-stream.json', { model: 'bench-model', stream: true, messages: [message] });
  const url = (port: number) => `http://127.0.0.1:${port}/v1/chat/completions`;

  // The first gateway request of each body is the miss that stores the entry; every later one is a hit.
  await load(url(gateway.port), hit, 'throughput', 1, 1, 5);
  await load(url(gateway.port), streamedHit, 'ttfb', 1, 1, 5);
  for (const [port, body] of [[upstream, direct], [floor, direct], [gateway.port, hit], [uncached.port, hit]] as const) await load(url(port), body, 'throughput', settings.concurrency, 1000, 5);

  console.log(`cache bench: ${settings.rounds} rounds; sequential ${settings.sequential} requests; concurrent up to ${settings.count} requests or ${settings.seconds} s over ${settings.concurrency} connections\n`);
  const rows: Array<{ latency: Record<string, LoadResult>; ttfb: Record<string, LoadResult>; throughput: Record<string, LoadResult> }> = [];
  for (let round = 0; round < settings.rounds; round++) {
    rows.push({
      latency: {
        direct: await load(url(upstream), direct, 'ttfb', 1, settings.sequential, 10),
        hit: await load(url(gateway.port), hit, 'ttfb', 1, settings.sequential, 10),
      },
      ttfb: {
        direct: await load(url(upstream), directStream, 'ttfb', 1, settings.sequential, 10),
        hit: await load(url(gateway.port), streamedHit, 'ttfb', 1, settings.sequential, 10),
      },
      throughput: {
        floor: await load(url(floor), direct, 'throughput', settings.concurrency, settings.count, settings.seconds),
        hit: await load(url(gateway.port), hit, 'throughput', settings.concurrency, settings.count, settings.seconds),
        off: await load(url(uncached.port), hit, 'throughput', settings.concurrency, settings.count, settings.seconds),
      },
    });
  }

  const f = (x: number, d = 3) => x.toFixed(d);
  console.log('round  measure                         direct/floor      cache hit');
  rows.forEach((r, i) => {
    const n = String(i + 1).padEnd(6);
    console.log(`${n} plain latency p50 / p99 ms       ${f(r.latency.direct.p50)} / ${f(r.latency.direct.p99)}   ${f(r.latency.hit.p50)} / ${f(r.latency.hit.p99)}`);
    console.log(`${n} stream TTFB p50 ms               ${f(r.ttfb.direct.ttfb_p50).padStart(13)}   ${f(r.ttfb.hit.ttfb_p50).padStart(9)}`);
    console.log(`${n} throughput req/s (errors)        ${`${f(r.throughput.floor.rps, 0)} (${r.throughput.floor.errors})`.padStart(13)}   ${`${f(r.throughput.hit.rps, 0)} (${r.throughput.hit.errors})`.padStart(9)}   cache off: ${f(r.throughput.off.rps, 0)} (${r.throughput.off.errors})`);
  });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log('\nsummary (median over rounds)');
  console.log(`cache hit added latency over a direct upstream call (p50, plain): ${f(median(rows.map((r) => r.latency.hit.p50 - r.latency.direct.p50)))} ms`);
  console.log(`cache hit added stream TTFB over a direct upstream call (p50): ${f(median(rows.map((r) => r.ttfb.hit.ttfb_p50 - r.ttfb.direct.ttfb_p50)))} ms`);
  console.log(`cache hit throughput / raw proxy floor: ${f(median(rows.map((r) => r.throughput.hit.rps / r.throughput.floor.rps)), 2)}x; cache off (upstream every time) / floor: ${f(median(rows.map((r) => r.throughput.off.rps / r.throughput.floor.rps)), 2)}x`);
} finally {
  for (const child of children) child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

function writeBody(name: string, body: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(body));
  return file;
}

async function load(url: string, bodyFile: string, mode: string, concurrency: number, count: number, seconds: number): Promise<LoadResult> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bench/load-client.ts'), url, bodyFile, mode, String(concurrency), String(count), String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`load client exited with ${code}`);
  return JSON.parse(out) as LoadResult;
}

async function startWithPort(script: string, args: string[]): Promise<number> {
  const child = spawn(process.execPath, [path.join(ROOT, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d) => resolve(JSON.parse(String(d)).port));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}
