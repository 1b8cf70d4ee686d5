// npm run bench -- --soak: mixed plain, streamed and failing traffic against a gateway process for
// SOAK_SECONDS (default 600), bounded in count too, printing the gateway's RSS every 30 s.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pool } from 'undici';
import { startGatewayProcess, writeGatewayFiles } from '../test/support/gateway-process.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const seconds = Number(process.env.SOAK_SECONDS ?? 600);
const maxRequests = Number(process.env.SOAK_MAX_REQUESTS ?? 3_000_000);
const concurrency = Number(process.env.SOAK_CONCURRENCY ?? 16);
const reportEveryMs = Number(process.env.SOAK_REPORT_MS ?? 30_000);
const dir = mkdtempSync(path.join(tmpdir(), 'router-soak-'));
const children: ReturnType<typeof spawn>[] = [];

// The mix: plain and streamed answers, a chain that fails over, and streams that break mid-way.
const MIX: Array<{ weight: number; body: object }> = [
  { weight: 45, body: { model: 'router/conversation', messages: [{ role: 'user', content: 'Hello there, how are you?' }] } },
  { weight: 25, body: { model: 'router/conversation', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Tell me a story' }] } },
  { weight: 20, body: { model: 'router/code', messages: [{ role: 'user', content: 'Fix this function' }] } },
  { weight: 10, body: { model: 'router/reasoning', stream: true, messages: [{ role: 'user', content: 'Solve 3x + 5 = 20' }] } },
];

try {
  const upstream = await startWithPort('bench/bench-upstream.ts');
  const gateway = await startGateway(upstream);
  const pool = new Pool(`http://127.0.0.1:${gateway.port}`, { connections: concurrency });
  const bodies = MIX.flatMap((m) => Array.from({ length: m.weight }, () => JSON.stringify(m.body)));
  const statuses = new Map<string, number>();
  let sent = 0;
  const started = Date.now();
  const rss: number[] = [];
  const report = async () => {
    const mb = rssMb(gateway.pid);
    rss.push(mb);
    const heap = ((await (await fetch(`http://127.0.0.1:${gateway.port}/health`)).json()) as { memory_mb: { heap_used: number; heap_total: number } }).memory_mb;
    const done = [...statuses.values()].reduce((a, b) => a + b, 0);
    console.log(`t=${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s  gateway RSS ${mb.toFixed(1)} MB (heap used ${heap.heap_used} of ${heap.heap_total} MB)  requests ${done}  ${[...statuses.entries()].map(([k, v]) => `${k}:${v}`).join(' ')}`);
  };
  console.log(`soak: ${seconds} s, ${concurrency} connections, mix ${MIX.map((m) => `${m.weight}% ${(m.body as { model: string }).model}${(m.body as { stream?: boolean }).stream ? ' (stream)' : ''}`).join(', ')}`);
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
  console.log(`\nRSS first ${rss[0].toFixed(1)} MB, last ${rss.at(-1)!.toFixed(1)} MB, max ${Math.max(...rss).toFixed(1)} MB over ${Math.round((Date.now() - started) / 1000)} s`);
} finally {
  for (const child of children) child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

async function startWithPort(script: string): Promise<number> {
  const child = spawn(process.execPath, [path.join(ROOT, script)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise<number>((resolve) => child.stdout!.once('data', (d) => resolve(JSON.parse(String(d)).port)));
}

async function startGateway(upstreamPort: number): Promise<{ port: number; pid: number }> {
  const chains: Record<string, string[]> = { conversation: ['bench/ok'], code: ['bench/fail', 'bench/ok'], reasoning: ['bench/cut'], tools: ['bench/ok'] };
  // A high volume threshold keeps the failing targets' breakers from opening, so failures stay in the mix.
  const files = writeGatewayFiles(dir, { providers: { bench: { type: 'openai', baseURL: `http://127.0.0.1:${upstreamPort}/v1` } }, breaker: { volumeThreshold: 1e9 } }, (name) => chains[name] ?? ['bench/ok']);
  const gateway = await startGatewayProcess(files);
  children.push(gateway.child);
  return { port: gateway.port, pid: gateway.child.pid! };
}
