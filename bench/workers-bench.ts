// npm run bench -- --only workers [--quick]   (or: node bench/workers-bench.ts [--quick])
//
// Throughput with ROUTER_WORKERS=1 and ROUTER_WORKERS=2 in one run, against the same fake OpenAI
// upstream (bench/bench-upstream.ts), model "router", 32 keep-alive connections (the cluster hands
// connections to workers in turn, so both get 16). Both gateways run side by side; measurements take
// turns in rounds and the median is reported, so drift in the machine's load hits both alike.
// Nothing is pinned: two workers need two cores, and on a two-core machine the upstream and the load
// generator share them, so the gain shown there is a floor, not what a larger host gets.
import { fork } from 'node:child_process';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BenchServers } from './bench-servers.ts';
import { startGatewayProcess } from '../test/support/gateway-process.ts';
import type { LoadResult, LoadSpec } from './load-client.ts';

const quick = process.argv.includes('--quick');
const S = quick ? { rounds: 3, seconds: 1, warmup: 0.5, startWarmup: 2 } : { rounds: 3, seconds: 5, warmup: 1, startWarmup: 5 };
const CONCURRENCY = 32;
const WORKER_COUNTS = [1, 2];

const dir = mkdtempSync(path.join(tmpdir(), 'router-workers-bench-'));
const servers = new BenchServers();
const loader = fork(path.join(import.meta.dirname, 'load-client.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const measure = (spec: LoadSpec) =>
  new Promise<LoadResult>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`load client exited with ${code}`));
    // The client says `{ measuring: true }` when the warm-up ends; the result comes after.
    const onMessage = (message: unknown) => {
      if ((message as { measuring?: boolean }).measuring) return;
      loader.off('message', onMessage);
      loader.off('exit', onExit);
      resolve(message as LoadResult);
    };
    loader.on('message', onMessage);
    loader.once('exit', onExit);
    loader.send(spec);
  });
/**
 * CPU seconds (user + system) a gateway's process and its children (the workers) have used: on a busy
 * machine the cost per request shows what req/s cannot. Linux only (/proc); NaN elsewhere.
 */
function treeCpuSeconds(root: number): number {
  try {
    const stats = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .flatMap((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          return [{ pid: Number(pid), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) }];
        } catch {
          return []; // it ended while we read
        }
      });
    const ticks = stats.filter((s) => s.pid === root || s.ppid === root).reduce((sum, s) => sum + s.ticks, 0);
    return ticks / 100; // USER_HZ
  } catch {
    return Number.NaN;
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

try {
  const upstream = await servers.startScript('bench/bench-upstream.ts');
  const bodyFile = path.join(dir, 'plain.json');
  writeFileSync(bodyFile, JSON.stringify({ model: 'router', messages: [{ role: 'user', content: 'Hello there, how are you today?' }] }));
  const gateways = new Map<number, { url: string; pid: number }>();
  for (const workers of WORKER_COUNTS) {
    const gw = await startGatewayProcess({
      OPENAI_API_KEY: 'bench',
      OPENAI_BASE_URL: `http://127.0.0.1:${upstream}/v1`,
      ROUTER_DB: path.join(dir, `router-${workers}.db`),
      ROUTER_WORKERS: String(workers),
    });
    servers.children.push(gw.child);
    gateways.set(workers, { url: `${gw.url}/v1/chat/completions`, pid: gw.child.pid! });
  }
  console.log(`workers bench${quick ? ' (quick)' : ''}: Node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()[0].toFixed(2)}; ${CONCURRENCY} connections, ${S.rounds} rounds of ${S.seconds} s`);
  // Each worker compiles its hot paths on its own traffic: two workers need twice the requests to be warm.
  for (const workers of WORKER_COUNTS) await measure({ url: gateways.get(workers)!.url, bodyFile, mode: 'throughput', concurrency: CONCURRENCY, count: 2_000_000, seconds: S.startWarmup, warmupSeconds: 0 });
  const results = new Map<number, Array<LoadResult & { cpuMsPerRequest: number }>>(WORKER_COUNTS.map((w) => [w, []]));
  for (let round = 0; round < S.rounds; round++) {
    // The order alternates, so neither gateway always goes first.
    const order = round % 2 === 0 ? WORKER_COUNTS : [...WORKER_COUNTS].reverse();
    for (const workers of order) {
      const gateway = gateways.get(workers)!;
      const cpuBefore = treeCpuSeconds(gateway.pid);
      const result = await measure({ url: gateway.url, bodyFile, mode: 'throughput', concurrency: CONCURRENCY, count: 2_000_000, seconds: S.seconds, warmupSeconds: S.warmup });
      if (result.errors > 0) throw new Error(`ROUTER_WORKERS=${workers}: ${result.errors} errors (${result.firstError})`);
      // Warm-up requests are in the CPU time too: counted in with them (throughput is steady, so warm-up ≈ its share of the time).
      const cpuMsPerRequest = ((treeCpuSeconds(gateway.pid) - cpuBefore) * 1000) / (result.rps * (S.seconds + S.warmup));
      results.get(workers)!.push({ ...result, cpuMsPerRequest });
      console.log(`  round ${round + 1}, ROUTER_WORKERS=${workers}: ${Math.round(result.rps)} req/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ${cpuMsPerRequest.toFixed(2)} CPU ms/request`);
    }
  }
  const rps = (workers: number) => median(results.get(workers)!.map((r) => r.rps));
  console.log('\nROUTER_WORKERS  req/s (median)  p50 ms  p99 ms  CPU ms/request');
  for (const workers of WORKER_COUNTS) {
    const r = results.get(workers)!;
    console.log(`${String(workers).padEnd(16)}${String(Math.round(rps(workers))).padEnd(16)}${median(r.map((x) => x.p50)).toFixed(1).padEnd(8)}${median(r.map((x) => x.p99)).toFixed(1).padEnd(8)}${median(r.map((x) => x.cpuMsPerRequest)).toFixed(2)}`);
  }
  console.log(`2 workers / 1 worker: ${(rps(2) / rps(1)).toFixed(2)}x`);
} finally {
  loader.kill('SIGTERM');
  servers.stopAll();
  rmSync(dir, { recursive: true, force: true });
}
