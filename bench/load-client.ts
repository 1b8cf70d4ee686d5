// Load process: drives one URL with a fixed body over pooled keep-alive connections and answers one
// JSON result per measurement. Three modes, each bounded by a request count and a time limit:
//   throughput   closed loop: `concurrency` workers, each sends its next request when the last is answered
//   paced        open loop: requests start at a fixed `rate` whether or not earlier ones are answered
//   first-token  one stream at a time: time to the first chunk carrying content
// A warm-up (same mode's traffic, results dropped) runs first, so JIT and connection set-up stay out.
// run-bench forks it once and sends each LoadSpec over IPC (one process start, pinned once); by hand:
//   node bench/load-client.ts '<json LoadSpec>'
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';

export interface LoadSpec {
  url: string;
  bodyFile: string;
  headers?: Record<string, string>;
  mode: 'throughput' | 'paced' | 'first-token';
  concurrency: number;
  /** Requests per second (paced only). */
  rate?: number;
  count: number;
  seconds: number;
  /** Warm-up before measuring: seconds of the same traffic (throughput, paced) or a fifth of `count` streams (first-token); 0 for none. */
  warmupSeconds: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  /** The first failure, to say why a target is unavailable. */
  firstError: string | null;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  /** first-token mode: time to the first content chunk. */
  firstContentP50: number;
  firstContentP99: number;
  /** paced mode: the latest any request started after its slot (shows whether pacing held). */
  maxSendLagMs: number;
}

const CONTENT = /"content":"[^"]/;

function pct(values: number[], q: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : Number.NaN;
}

/** One measurement against one target: its pool, its error count, its loops. */
class LoadRun {
  private readonly body: Buffer;
  private readonly target: URL;
  private readonly headers: Record<string, string>;
  private readonly pool: Pool;
  private errors = 0;
  private firstError: string | null = null;
  private readonly spec: LoadSpec;

  constructor(spec: LoadSpec) {
    this.spec = spec;
    this.body = readFileSync(spec.bodyFile);
    this.target = new URL(spec.url);
    this.headers = { 'content-type': 'application/json', ...spec.headers };
    this.pool = new Pool(this.target.origin, { connections: spec.mode === 'paced' ? 128 : spec.concurrency, keepAliveTimeout: 60_000, headersTimeout: 10_000, bodyTimeout: 10_000 });
  }

  async run(): Promise<LoadResult> {
    const { spec } = this;
    if (spec.warmupSeconds > 0) {
      if (spec.mode === 'paced') await this.measure(spec.warmupSeconds, Math.ceil((spec.rate ?? 1000) * spec.warmupSeconds));
      else if (spec.mode === 'first-token') await this.measure(spec.seconds, Math.max(20, Math.round(spec.count / 5)));
      else await this.measure(spec.warmupSeconds, spec.count);
      this.errors = 0;
      this.firstError = null;
    }
    // Tells run-bench the measured part starts, so it can read the servers' CPU time from here on.
    process.send?.({ measuring: true });
    const result = await this.measure(spec.seconds, spec.count);
    await this.pool.close();
    return { ...result, errors: this.errors, firstError: this.firstError };
  }

  private failed(reason: string): void {
    this.errors++;
    this.firstError ??= reason;
  }

  /** One request; returns [latency ms, time to first content ms or NaN], or null when it failed. */
  private async one(watchContent: boolean): Promise<[number, number] | null> {
    const started = performance.now();
    try {
      const res = await this.pool.request({ path: this.target.pathname, method: 'POST', headers: this.headers, body: this.body });
      let firstContent = Number.NaN;
      let seen = '';
      let text = '';
      for await (const piece of res.body) {
        if (res.statusCode !== 200 && text.length < 300) text += String(piece);
        // Content can straddle two pieces: search the tail of the last one with the new one (bounded).
        if (watchContent && Number.isNaN(firstContent)) {
          seen = seen.slice(-32) + String(piece);
          if (CONTENT.test(seen)) firstContent = performance.now() - started;
        }
      }
      if (res.statusCode !== 200) {
        this.failed(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
        return null;
      }
      return [performance.now() - started, firstContent];
    } catch (error) {
      this.failed((error as Error).message);
      return null;
    }
  }

  private async closedLoop(workers: number, count: number, seconds: number, latencies: number[], firstContents: number[]): Promise<void> {
    const deadline = performance.now() + seconds * 1000;
    const watch = this.spec.mode === 'first-token';
    let issued = 0;
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (issued < count && performance.now() < deadline) {
          issued++;
          const r = await this.one(watch);
          if (r) {
            latencies.push(r[0]);
            if (!Number.isNaN(r[1])) firstContents.push(r[1]);
          }
        }
      }),
    );
  }

  /** Starts request i at start + i/rate whether or not earlier ones are answered; returns the largest send lag. */
  private async openLoop(rate: number, count: number, seconds: number, latencies: number[]): Promise<number> {
    const interval = 1000 / rate;
    const hardDeadline = performance.now() + (seconds + 15) * 1000;
    let sent = 0;
    let settled = 0;
    let maxLag = 0;
    let allSettled!: () => void;
    const done = new Promise<void>((resolve) => (allSettled = resolve));
    const start = performance.now();
    while (sent < count && performance.now() < hardDeadline) {
      const now = performance.now();
      const due = Math.min(count, Math.floor((now - start) / interval) + 1);
      for (; sent < due; sent++) {
        maxLag = Math.max(maxLag, now - (start + sent * interval));
        void this.one(false).then((r) => {
          if (r) latencies.push(r[0]);
          if (++settled === count) allSettled();
        });
      }
      const wait = start + sent * interval - performance.now();
      await sleep(wait > 1 ? Math.floor(wait) : 0);
    }
    // Slots never sent (the hard deadline hit) count as failures, so the result cannot look better than it was.
    for (let left = count - sent; left > 0; left--) this.failed('pacing deadline passed before the request was sent');
    settled += count - sent;
    if (settled < count) await Promise.race([done, sleep(Math.max(0, hardDeadline - performance.now()))]);
    return maxLag;
  }

  private async measure(seconds: number, count: number): Promise<Omit<LoadResult, 'errors' | 'firstError'>> {
    const latencies: number[] = [];
    const firstContents: number[] = [];
    let maxSendLagMs = 0;
    const started = performance.now();
    if (this.spec.mode === 'paced') maxSendLagMs = await this.openLoop(this.spec.rate ?? 1000, count, seconds, latencies);
    else await this.closedLoop(this.spec.mode === 'first-token' ? 1 : this.spec.concurrency, count, seconds, latencies, firstContents);
    const elapsed = (performance.now() - started) / 1000;
    return {
      requests: latencies.length,
      seconds: elapsed,
      rps: latencies.length / elapsed,
      p50: pct(latencies, 0.5),
      p99: pct(latencies, 0.99),
      max: pct(latencies, 1),
      firstContentP50: pct(firstContents, 0.5),
      firstContentP99: pct(firstContents, 0.99),
      maxSendLagMs,
    };
  }
}

export const runLoad = (spec: LoadSpec): Promise<LoadResult> => new LoadRun(spec).run();

if (process.send) {
  // Forked by run-bench: one measurement per message, answered in order; exits when the parent goes.
  process.on('message', (spec: LoadSpec) => void runLoad(spec).then((result) => process.send!(result)));
  process.on('disconnect', () => process.exit(0));
} else if (process.argv[2]) {
  process.stdout.write(`${JSON.stringify(await runLoad(JSON.parse(process.argv[2]) as LoadSpec))}\n`);
}
