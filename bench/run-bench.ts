// npm run bench: direct upstream vs a minimal node:http proxy (the floor) vs the gateway, each
// driven from a separate load process in the same run, reported as ratios.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGatewayProcess, writeGatewayFiles } from '../test/support/gateway-process.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
if (process.argv.includes('--soak')) {
  await import('./soak.ts');
  process.exit(0);
}
const dir = mkdtempSync(path.join(tmpdir(), 'router-bench-'));
const children: ChildProcess[] = [];
const settings = {
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 32),
  count: Number(process.env.BENCH_REQUESTS ?? 20_000),
  seconds: Number(process.env.BENCH_SECONDS ?? 15),
  ttfbCount: Number(process.env.BENCH_TTFB_REQUESTS ?? 400),
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
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
  const gateway = await startGateway(upstream);

  const plain = writeBody('plain.json', { model: 'router', messages: [{ role: 'user', content: 'Hello there, how are you today?' }] });
  const streamed = writeBody('stream.json', { model: 'router', stream: true, messages: [{ role: 'user', content: 'Hello there, how are you today?' }] });
  const targets = { direct: `http://127.0.0.1:${upstream}/v1/chat/completions`, floor: `http://127.0.0.1:${floor}/v1/chat/completions`, gateway: `http://127.0.0.1:${gateway}/v1/chat/completions` };

  console.log(`bench: ${settings.rounds} interleaved rounds; per target and round up to ${settings.count} requests or ${settings.seconds} s over ${settings.concurrency} connections; all processes share this machine's cores\n`);
  for (const url of Object.values(targets)) await load(url, plain, 'throughput', settings.concurrency, 1000, 5); // warm-up: JIT, pools

  // Targets take turns within each round, so drift in the machine's load hits all of them alike;
  // each round's ratio is taken within the round, and the median ratio is reported.
  const rounds: Array<Record<string, LoadResult>> = [];
  const ttfbRounds: Array<Record<string, LoadResult>> = [];
  for (let round = 0; round < settings.rounds; round++) {
    const throughput: Record<string, LoadResult> = {};
    const ttfb: Record<string, LoadResult> = {};
    for (const [name, url] of Object.entries(targets)) throughput[name] = await load(url, plain, 'throughput', settings.concurrency, settings.count, settings.seconds);
    for (const [name, url] of Object.entries(targets)) ttfb[name] = await load(url, streamed, 'ttfb', 1, settings.ttfbCount, 10);
    rounds.push(throughput);
    ttfbRounds.push(ttfb);
  }

  const f = (x: number, d = 2) => x.toFixed(d);
  console.log('non-streamed throughput');
  console.log('round  target    req/s     p50 ms   p99 ms   errors   vs floor');
  rounds.forEach((throughput, i) => {
    for (const [name, r] of Object.entries(throughput)) {
      console.log(`${String(i + 1).padEnd(6)} ${name.padEnd(8)} ${f(r.rps, 0).padStart(6)}   ${f(r.p50).padStart(7)}  ${f(r.p99).padStart(7)}   ${String(r.errors).padStart(6)}   ${f(r.rps / throughput.floor.rps)}x`);
    }
  });
  console.log('\nstreamed time to first byte (sequential requests)');
  console.log('round  target    ttfb p50 ms   ttfb p99 ms');
  ttfbRounds.forEach((ttfb, i) => {
    for (const [name, r] of Object.entries(ttfb)) console.log(`${String(i + 1).padEnd(6)} ${name.padEnd(8)} ${f(r.ttfb_p50, 3).padStart(11)}   ${f(r.ttfb_p99, 3).padStart(11)}`);
  });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ratio = median(rounds.map((r) => r.gateway.rps / r.floor.rps));
  const directRatio = median(rounds.map((r) => r.gateway.rps / r.direct.rps));
  const addedTtfb = median(ttfbRounds.map((r) => r.gateway.ttfb_p50 - r.direct.ttfb_p50));
  const addedOverFloor = median(ttfbRounds.map((r) => r.gateway.ttfb_p50 - r.floor.ttfb_p50));
  console.log('\nCPU of one upstream hop, by client (this process, 16 concurrent, same upstream)');
  await runScript('bench/sdk-hop.ts', [String(upstream)]);
  console.log('\nclassification of ~60 KB agent bodies (in process)');
  await runScript('bench/classify-bench.ts', []);
  console.log('\nsummary (median over rounds)');
  console.log(`gateway throughput / floor throughput: ${f(ratio)}x (target >= 0.40x); gateway / direct: ${f(directRatio)}x`);
  console.log(`gateway added stream TTFB over direct (p50): ${f(addedTtfb, 3)} ms (target <= 1 ms); over the floor: ${f(addedOverFloor, 3)} ms`);
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

async function runScript(script: string, args: string[]): Promise<void> {
  const child = spawn(process.execPath, [path.join(ROOT, script), ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`${script} exited with ${code}`);
}

async function startWithPort(script: string, args: string[]): Promise<number> {
  const child = spawn(process.execPath, [path.join(ROOT, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d) => resolve(JSON.parse(String(d)).port));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

async function startGateway(upstreamPort: number): Promise<number> {
  const files = writeGatewayFiles(dir, { providers: { bench: { type: 'openai', baseURL: `http://127.0.0.1:${upstreamPort}/v1` } } }, () => ['bench/bench-model']);
  const gateway = await startGatewayProcess(files);
  children.push(gateway.child);
  return gateway.port;
}
