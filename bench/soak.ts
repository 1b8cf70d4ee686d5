// npm run bench -- --soak [--soak-seconds N]: mixed plain, streamed and failing traffic against a gateway
// process for N seconds (default 600, or SOAK_SECONDS), bounded in count too, printing the gateway's RSS
// every 30 s (more often on short runs) and, at the end, whether RSS stayed under 250 MB and flat.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pool } from 'undici';
import { startGatewayProcess, writeGatewayFiles } from '../test/support/gateway-process.ts';
import { BenchServers } from './bench-servers.ts';
import { fixed } from './bench-report.ts';
import { LOAD_CORE, pinningAvailable, pinProcess } from './pin-core.ts';

const args = process.argv.slice(2);
const secondsArg = args.includes('--soak-seconds') ? args[args.indexOf('--soak-seconds') + 1] : undefined;
const seconds = Number(secondsArg ?? process.env.SOAK_SECONDS ?? 600);
if (!(seconds > 0)) throw new Error(`--soak-seconds takes a positive number of seconds, got "${secondsArg}"`);
const maxRequests = Number(process.env.SOAK_MAX_REQUESTS ?? 3_000_000);
const concurrency = Number(process.env.SOAK_CONCURRENCY ?? 16);
const reportEveryMs = Number(process.env.SOAK_REPORT_MS ?? Math.min(30_000, Math.max(5_000, (seconds * 1000) / 6)));
const RSS_LIMIT_MB = 250;
/** "Flat": the last third's highest RSS no more than this much above the middle third's. */
const FLAT_TOLERANCE = 0.1;
const dir = mkdtempSync(path.join(tmpdir(), 'router-soak-'));
const servers = new BenchServers();

// The mix: plain and streamed answers, a chain that fails over, and streams that break mid-way.
const MIX: Array<{ weight: number; body: object }> = [
  { weight: 45, body: { model: 'router/conversation', messages: [{ role: 'user', content: 'Hello there, how are you?' }] } },
  { weight: 25, body: { model: 'router/conversation', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Tell me a story' }] } },
  { weight: 20, body: { model: 'router/code', messages: [{ role: 'user', content: 'Fix this function' }] } },
  { weight: 10, body: { model: 'router/reasoning', stream: true, messages: [{ role: 'user', content: 'Solve 3x + 5 = 20' }] } },
];

try {
  // This process is the load generator: it gets the load core, the servers the other one.
  pinProcess(process.pid, LOAD_CORE);
  const upstream = await servers.startScript('bench/bench-upstream.ts');
  const gateway = await startGateway(upstream);
  const pool = new Pool(`http://127.0.0.1:${gateway.port}`, { connections: concurrency, headersTimeout: 10_000, bodyTimeout: 10_000 });
  const bodies = MIX.flatMap((m) => Array.from({ length: m.weight }, () => JSON.stringify(m.body)));
  const statuses = new Map<string, number>();
  let sent = 0;
  const started = Date.now();
  const rss: number[] = [];
  const report = async () => {
    const mb = rssMb(gateway.pid);
    rss.push(mb);
    let heap = '';
    try {
      const memory = ((await (await fetch(`http://127.0.0.1:${gateway.port}/health`, { signal: AbortSignal.timeout(5_000) })).json()) as { memory_mb: { heap_used: number; heap_total: number; external?: number } }).memory_mb;
      heap = ` (heap used ${memory.heap_used} of ${memory.heap_total} MB, external ${memory.external ?? '?'} MB)`;
    } catch (error) {
      heap = ` (/health: ${(error as Error).message})`;
    }
    const done = [...statuses.values()].reduce((a, b) => a + b, 0);
    console.log(`t=${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s  gateway RSS ${mb.toFixed(1)} MB${heap}  requests ${done}  ${[...statuses.entries()].map(([k, v]) => `${k}:${v}`).join(' ')}`);
  };
  console.log(`soak: ${seconds} s, ${concurrency} connections, RSS every ${Math.round(reportEveryMs / 1000)} s; ${pinningAvailable ? 'servers on core 0, load on core 1' : 'unpinned'}`);
  console.log(`mix: ${MIX.map((m) => `${m.weight}% ${(m.body as { model: string }).model}${(m.body as { stream?: boolean }).stream ? ' (stream)' : ''}`).join(', ')}`);
  await report();
  const timer = setInterval(() => void report(), reportEveryMs);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() - started < seconds * 1000 && sent < maxRequests) {
        const body = bodies[sent++ % bodies.length];
        try {
          const res = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json' }, body });
          const text = await res.body.text();
          const key = res.statusCode === 200 && text.includes('"error"') ? '200-partial' : String(res.statusCode);
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
        } catch {
          statuses.set('transport-error', (statuses.get('transport-error') ?? 0) + 1);
        }
      }
    }),
  );
  clearInterval(timer);
  await report();
  await pool.close();
  summarise(rss, Math.round((Date.now() - started) / 1000));
} finally {
  servers.stopAll();
  rmSync(dir, { recursive: true, force: true });
}

function summarise(rss: number[], elapsed: number): void {
  const max = Math.max(...rss);
  console.log(`\nRSS first ${fixed(rss[0], 1)} MB, last ${fixed(rss.at(-1)!, 1)} MB, max ${fixed(max, 1)} MB over ${elapsed} s (${rss.length} samples)`);
  console.log(`RSS ≤ ${RSS_LIMIT_MB} MB: ${max <= RSS_LIMIT_MB ? 'met' : 'NOT met'} (max ${fixed(max, 1)} MB)`);
  // The first third is warm-up (V8 sizes its heap to the allocation rate); growth after it is what a leak looks like.
  const third = Math.floor(rss.length / 3);
  if (third < 1) return void console.log('flat: too few samples to judge (run longer)');
  const middle = Math.max(...rss.slice(third, 2 * third));
  const last = Math.max(...rss.slice(2 * third));
  const flat = last <= middle * (1 + FLAT_TOLERANCE);
  console.log(`flat (last third's max within ${FLAT_TOLERANCE * 100}% of the middle third's): ${flat ? 'met' : 'NOT met'} (${fixed(last, 1)} vs ${fixed(middle, 1)} MB)`);
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

async function startGateway(upstreamPort: number): Promise<{ port: number; pid: number }> {
  const chains: Record<string, string[]> = { conversation: ['bench/ok'], code: ['bench/fail', 'bench/ok'], reasoning: ['bench/cut'], tools: ['bench/ok'] };
  // A high volume threshold keeps the failing targets' breakers from opening, so failures stay in the mix.
  const files = writeGatewayFiles(dir, { providers: { bench: { type: 'openai', baseURL: `http://127.0.0.1:${upstreamPort}/v1` } }, breaker: { volumeThreshold: 1e9 } }, (name) => chains[name] ?? ['bench/ok']);
  const gateway = await startGatewayProcess(files);
  servers.adopt(gateway.child);
  return { port: gateway.port, pid: gateway.child.pid! };
}
