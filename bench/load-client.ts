// Load process: drives one URL with a fixed body over pooled keep-alive connections, bounded by
// a request count and a time limit, and prints throughput and latency percentiles as JSON.
//   node bench/load-client.ts <url> <body.json> <mode: throughput|ttfb> <concurrency> <count> <maxSeconds>
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';

const [url, bodyFile, mode, concurrencyArg, countArg, secondsArg] = process.argv.slice(2);
const body = readFileSync(bodyFile, 'utf8');
const concurrency = Number(concurrencyArg);
const count = Number(countArg);
const deadline = performance.now() + Number(secondsArg) * 1000;
const target = new URL(url);
const pool = new Pool(target.origin, { connections: concurrency, keepAliveTimeout: 60_000 });

const latencies: number[] = [];
const firstBytes: number[] = [];
let errors = 0;
let issued = 0;

async function one(): Promise<void> {
  const started = performance.now();
  const res = await pool.request({ path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body });
  let first = true;
  for await (const piece of res.body) {
    if (first && (piece as Buffer).length > 0) {
      firstBytes.push(performance.now() - started);
      first = false;
    }
  }
  if (res.statusCode !== 200) errors++;
  latencies.push(performance.now() - started);
}

async function worker(): Promise<void> {
  while (issued < count && performance.now() < deadline) {
    issued++;
    try {
      await one();
    } catch {
      errors++;
    }
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: mode === 'ttfb' ? 1 : concurrency }, worker));
const seconds = (performance.now() - started) / 1000;
await pool.close();

const pct = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN;
};
process.stdout.write(
  JSON.stringify({
    requests: latencies.length,
    errors,
    seconds,
    rps: latencies.length / seconds,
    p50: pct(latencies, 0.5),
    p99: pct(latencies, 0.99),
    ttfb_p50: pct(firstBytes, 0.5),
    ttfb_p99: pct(firstBytes, 0.99),
  }) + '\n',
);
