// node bench/group-throughput-bench.ts: non-streamed throughput of a gateway whose chain is one
// target against one whose chain is a group of three deployments (weighted), all on the same bench
// upstream, each driven by its own load process. Target: the group within 5% of the single target.
// The two take turns within each round and the median of the rounds' ratios is reported.
// BENCH_CONCURRENCY (32), BENCH_REQUESTS (5,000 per turn), BENCH_SECONDS (8), BENCH_ROUNDS (3).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGatewayProcess, writeGatewayFiles } from '../test/support/gateway-process.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const settings = {
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 32),
  count: Number(process.env.BENCH_REQUESTS ?? 5000),
  seconds: Number(process.env.BENCH_SECONDS ?? 8),
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
};
const dir = mkdtempSync(path.join(tmpdir(), 'router-group-bench-'));
const children: ChildProcess[] = [];

try {
  const upstream = await startUpstream();
  const baseURL = `http://127.0.0.1:${upstream}/v1`;
  const providers = { b1: { type: 'openai', baseURL }, b2: { type: 'openai', baseURL }, b3: { type: 'openai', baseURL } };
  const single = await gateway('single', { providers }, ['b1/bench-model']);
  const group = await gateway('group', { providers, groups: { three: { deployments: [{ target: 'b1/bench-model', weight: 2 }, { target: 'b2/bench-model' }, { target: 'b3/bench-model' }] } } }, ['group:three']);
  const body = path.join(dir, 'plain.json');
  writeFileSync(body, JSON.stringify({ model: 'router', messages: [{ role: 'user', content: 'Hello there, how are you today?' }] }));

  for (const port of [single, group]) await load(port, body, 1000, 5); // warm-up: JIT, pools
  const ratios: number[] = [];
  console.log('round  chain       req/s     p50 ms   p99 ms   errors');
  for (let round = 1; round <= settings.rounds; round++) {
    const a = await load(single, body, settings.count, settings.seconds);
    const b = await load(group, body, settings.count, settings.seconds);
    for (const [name, r] of [['single', a], ['group of 3', b]] as const) {
      console.log(`${String(round).padEnd(6)} ${name.padEnd(10)} ${r.rps.toFixed(0).padStart(6)}   ${r.p50.toFixed(2).padStart(7)}  ${r.p99.toFixed(2).padStart(7)}   ${String(r.errors).padStart(6)}`);
    }
    ratios.push(b.rps / a.rps);
  }
  const median = [...ratios].sort((x, y) => x - y)[Math.floor(ratios.length / 2)];
  console.log(JSON.stringify({ bench: 'group-throughput', group_over_single: Number(median.toFixed(3)), target: '>= 0.95', ok: median >= 0.95 }));
} finally {
  for (const child of children) child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

async function gateway(name: string, routerConfig: unknown, chain: string[]): Promise<number> {
  const own = path.join(dir, name);
  mkdirSync(own);
  const started = await startGatewayProcess(writeGatewayFiles(own, routerConfig, () => chain));
  children.push(started.child);
  return started.port;
}

async function startUpstream(): Promise<number> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bench/bench-upstream.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d) => resolve(JSON.parse(String(d)).port));
    child.once('exit', (code) => reject(new Error(`bench upstream exited with ${code}`)));
  });
}

async function load(port: number, bodyFile: string, count: number, seconds: number): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const args = [path.join(ROOT, 'bench/load-client.ts'), `http://127.0.0.1:${port}/v1/chat/completions`, bodyFile, 'throughput', String(settings.concurrency), String(count), String(seconds)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`load client exited with ${code}`);
  return JSON.parse(out);
}
