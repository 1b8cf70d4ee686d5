// npm run bench [-- --quick] [-- --only throughput,paced,first-token,openclaw,classify] [-- --sdk-hop]
// npm run bench -- --soak [--soak-seconds N]
// npm run bench -- --only workers [--quick]   (throughput with ROUTER_WORKERS=1 and 2)
//
// One run measures, against the same fake OpenAI upstream: direct calls, the floor (a raw node:http
// pass-through proxy), this gateway (`node service/main.ts`, default categories, model "router") and the
// peer (Portkey's open-source gateway). Servers share core 0 and the load generator (bench/load-client.ts,
// undici, one process per measurement) runs on core 1 when taskset is there. Targets take turns in
// interleaved rounds (the order rotating each round), each ratio is taken within its round, and the
// median over rounds is reported, so drift in the machine's load hits every target alike.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { BenchServers } from './bench-servers.ts';
import { FIRST_TOKEN_COLUMNS, fixed, median, PACED_COLUMNS, perRound, printRounds, printVerdicts, roundsText, thousands, THROUGHPUT_COLUMNS, unusable, type Measured, type Round, type Verdict } from './bench-report.ts';
import type { LoadResult, LoadSpec } from './load-client.ts';
import { LOAD_CORE, pinnedCommand, pinningAvailable, pinProcess, SERVER_CORE } from './pin-core.ts';
import { PORTKEY_VERSION, startPortkey } from './portkey-peer.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const option = (name: string): string | undefined => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);

if (args.includes('--soak')) {
  await import('./soak.ts');
  process.exit(0);
}
// ROUTER_WORKERS=1 against 2 (bench/workers-bench.ts): its own gateways, so a part of its own.
if (option('only') === 'workers') {
  await import('./workers-bench.ts');
  process.exit(0);
}

const quick = args.includes('--quick');
const PARTS = ['throughput', 'paced', 'first-token', 'openclaw', 'classify'] as const;
const only = new Set((option('only') ?? PARTS.join(',')).split(','));
const unknown = [...only].filter((p) => !(PARTS as readonly string[]).includes(p));
if (unknown.length) throw new Error(`--only takes ${PARTS.join(', ')}; got ${unknown.join(', ')}`);

// Every loop is bounded twice: a request count and a time limit.
const S = quick
  ? { rounds: 3, concurrency: 32, seconds: 1, warmup: 0.3, startWarmup: 1.5, pacedRate: 1000, pacedSeconds: 2, streams: 100, classifyIterations: 5_000 }
  : { rounds: 3, concurrency: 32, seconds: 5, warmup: 1, startWarmup: 3, pacedRate: 1000, pacedSeconds: 10, streams: 300, classifyIterations: 20_000 };
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? S.rounds);
const OPENCLAW_FIXTURE = path.resolve(ROOT, '..', 'shared', 'fixtures', 'openclaw', 'agent-tool-loop.request.json');

const dir = mkdtempSync(path.join(tmpdir(), 'router-bench-'));
const servers = new BenchServers();
// The load generator: one process for the whole run, pinned to the load core, one measurement per message.
let loader: ChildProcess | undefined;
interface Target {
  url: string;
  headers?: Record<string, string>;
}
const verdicts: Verdict[] = [];
/** Where each target listens, or why it is unavailable. */
const targets = new Map<string, Target | string>();
const exitOnSignal = () => {
  loader?.kill('SIGTERM');
  servers.stopAll();
  rmSync(dir, { recursive: true, force: true });
  process.exit(130);
};
process.once('SIGINT', exitOnSignal);
process.once('SIGTERM', exitOnSignal);

try {
  const upstream = await servers.startScript('bench/bench-upstream.ts');
  const floor = await servers.startScript('bench/floor-proxy.ts', [String(upstream)]);
  const gateway = await servers.startGateway(upstream, path.join(dir, 'router.db'));
  const portkey = await startPortkey(upstream);
  if (portkey.available) servers.adopt(portkey.child);

  const url = (port: number) => `http://127.0.0.1:${port}/v1/chat/completions`;
  targets.set('direct', { url: url(upstream) });
  targets.set('floor', { url: url(floor) });
  targets.set('gateway', { url: url(gateway.port) });
  targets.set('portkey', portkey.available ? { url: url(portkey.port), headers: portkey.headers } : portkey.reason);
  const hello = [{ role: 'user', content: 'Hello there, how are you today?' }];
  const plain = writeBody('plain.json', { model: 'router', messages: hello });
  const streamed = writeBody('stream.json', { model: 'router', stream: true, messages: hello });

  console.log(`bench${quick ? ' (quick)' : ''}: Node ${process.version}; ${pinningAvailable ? `servers pinned to core ${SERVER_CORE}, load generator to core ${LOAD_CORE}` : 'taskset or a second core missing: nothing pinned, figures are noisier'}`);
  const load1 = loadavg()[0];
  console.log(`machine load average ${load1.toFixed(2)} at start${load1 > 0.5 ? ': other processes are using the cores, so expect noise; compare within rounds' : ''}`);
  console.log(`peer: ${portkey.available ? `Portkey @portkey-ai/gateway ${PORTKEY_VERSION}` : `Portkey unavailable (${portkey.reason})`}; ${ROUNDS} interleaved rounds, medians over rounds\n`);

  // One warm-up per server before the first round (JIT, pools), so round 1 is not the servers' cold start.
  for (const name of ['direct', 'floor', 'gateway', 'portkey']) {
    const target = targets.get(name);
    if (typeof target !== 'object' || !PARTS.some((part) => part !== 'classify' && only.has(part))) continue;
    process.stderr.write(`  warm-up: ${name}\n`);
    await load({ ...target, bodyFile: plain, mode: 'throughput', concurrency: S.concurrency, count: 20_000, seconds: S.startWarmup, warmupSeconds: 0 });
  }

  if (only.has('throughput')) {
    const rounds = await runRounds('throughput', ['direct', 'floor', 'gateway', 'portkey'], plain, { mode: 'throughput', concurrency: S.concurrency, count: S.seconds * 100_000, seconds: S.seconds });
    console.log(`1. throughput, concurrency ${S.concurrency}, non-streamed, small body (${S.seconds} s per target and round)`);
    printRounds(rounds, THROUGHPUT_COLUMNS, ['vs floor', (round, name) => `${fixed(round[name].rps / round.floor.rps)}×`]);
    const vsFloor = perRound(rounds, (r) => r.gateway.rps / r.floor.rps, 'gateway', 'floor');
    const vsPeer = perRound(rounds, (r) => r.gateway.rps / r.portkey.rps, 'gateway', 'portkey');
    const medianRps = (name: string) => median(perRound(rounds, (r) => r[name].rps, name));
    console.log(`median req/s: direct ${thousands(medianRps('direct'))}, floor ${thousands(medianRps('floor'))}, gateway ${thousands(medianRps('gateway'))}, portkey ${thousands(medianRps('portkey'))}`);
    const cpu = cpuRatios(rounds);
    console.log('');
    verdict('throughput c=32: gateway ÷ floor', vsFloor, (m) => `${fixed(m)}× (${thousands(medianRps('gateway'))} vs ${thousands(medianRps('floor'))} req/s; ${roundsText(vsFloor)}; by server CPU ${fixed(cpu.vsFloor)}×)`, '≥ 0.50×', (m) => m >= 0.5);
    verdict('throughput c=32: gateway ÷ Portkey', vsPeer, (m) => `${fixed(m)}× (Portkey ${thousands(medianRps('portkey'))} req/s, ${fixed(medianRps('portkey') / medianRps('floor'))}× floor; ${roundsText(vsPeer)}; by server CPU ${fixed(cpu.vsPeer)}×)`, '≥ 3×', (m) => m >= 3, peerProblem(rounds));
  }

  if (only.has('paced')) {
    const count = S.pacedRate * S.pacedSeconds;
    const rounds = await runRounds('paced', ['floor', 'gateway', 'portkey'], plain, { mode: 'paced', concurrency: 1, rate: S.pacedRate, count, seconds: S.pacedSeconds });
    console.log(`2. latency at a paced ${S.pacedRate} req/s, open loop, ${count} requests per target and round (latency from each request's send)`);
    printRounds(rounds, PACED_COLUMNS, ['p99 − floor', (round, name) => `${fixed(round[name].p99 - round.floor.p99)} ms`]);
    const added = perRound(rounds, (r) => r.gateway.p99 - r.floor.p99, 'gateway', 'floor');
    const p99 = (name: string) => median(perRound(rounds, (r) => r[name].p99, name));
    console.log(`median p99: floor ${fixed(p99('floor'))} ms, gateway ${fixed(p99('gateway'))} ms, portkey ${fixed(p99('portkey'))} ms\n`);
    verdict(`p99 at ${S.pacedRate} req/s: gateway − floor`, added, (m) => `+${fixed(m)} ms (gateway ${fixed(p99('gateway'))} ms, floor ${fixed(p99('floor'))} ms, Portkey ${fixed(p99('portkey'))} ms; ${roundsText(added, 2, ' ms')})`, '≤ +3 ms', (m) => m <= 3);
  }

  if (only.has('first-token')) {
    const rounds = await runRounds('first-token', ['direct', 'floor', 'gateway', 'portkey'], streamed, { mode: 'first-token', concurrency: 1, count: S.streams, seconds: 30 });
    console.log(`3. streamed: time to the first content chunk, one stream at a time, ${S.streams} streams per target and round (the fake waits 2 ms before its first chunk)`);
    printRounds(rounds, FIRST_TOKEN_COLUMNS, ['added over direct', (round, name) => `${fixed(round[name].firstContentP50 - round.direct.firstContentP50, 3)} ms`]);
    const added = perRound(rounds, (r) => r.gateway.firstContentP50 - r.direct.firstContentP50, 'gateway', 'direct');
    console.log('');
    verdict('first streamed content, p50: gateway − direct', added, (m) => `+${fixed(m, 3)} ms (${roundsText(added, 3, ' ms')})`, '≤ +1 ms', (m) => m <= 1);
  }

  if (only.has('openclaw')) {
    if (!existsSync(OPENCLAW_FIXTURE)) {
      console.log(`4. OpenClaw body: skipped, ${path.relative(ROOT, OPENCLAW_FIXTURE)} is not there (it comes with ../shared)\n`);
      verdicts.push({ measure: 'throughput, OpenClaw body: gateway ÷ floor', measured: 'skipped: ../shared/fixtures/openclaw absent', target: '≥ 0.35×', met: null });
    } else {
      // Sent non-streamed (stream and stream_options dropped) so the figure is the cost of a 34 KB body
      // with 11 tools (parse, check, classify, forward), not the fake's stream pacing.
      const { stream: _stream, stream_options: _options, ...rest } = JSON.parse(readFileSync(OPENCLAW_FIXTURE, 'utf8')) as Record<string, unknown>;
      const body = writeBody('openclaw.json', { ...rest, model: 'router' });
      const size = readFileSync(body).length;
      const rounds = await runRounds('openclaw', ['direct', 'floor', 'gateway', 'portkey'], body, { mode: 'throughput', concurrency: S.concurrency, count: S.seconds * 100_000, seconds: S.seconds });
      console.log(`4. throughput with a real OpenClaw body (agent-tool-loop, ${(size / 1000).toFixed(1)} KB, ${(rest.tools as unknown[]).length} tools, sent non-streamed), concurrency ${S.concurrency}`);
      printRounds(rounds, THROUGHPUT_COLUMNS, ['vs floor', (round, name) => `${fixed(round[name].rps / round.floor.rps)}×`]);
      const vsFloor = perRound(rounds, (r) => r.gateway.rps / r.floor.rps, 'gateway', 'floor');
      const rps = (name: string) => median(perRound(rounds, (r) => r[name].rps, name));
      const cpu = cpuRatios(rounds);
      console.log('');
      verdict('throughput, OpenClaw body: gateway ÷ floor', vsFloor, (m) => `${fixed(m)}× (${thousands(rps('gateway'))} vs ${thousands(rps('floor'))} req/s; ${roundsText(vsFloor)}; by server CPU ${fixed(cpu.vsFloor)}×)`, '≥ 0.35×', (m) => m >= 0.35);
    }
  }

  if (only.has('classify')) {
    console.log('5. classification on ~60 KB agent bodies (bench/classify-bench.ts, in one process on the server core)');
    const out = await runScript('bench/classify-bench.ts', ['--iterations', String(S.classifyIterations)], SERVER_CORE);
    const p99 = Number(/p99 ([\d.]+) µs/.exec(out)?.[1]);
    const target = Number(/target p99 ≤ ([\d.]+) µs/.exec(out)?.[1] ?? 200);
    console.log('');
    verdict('classification p99, 60 KB agent bodies', [p99], (m) => `${fixed(m, 1)} µs`, `≤ ${target} µs`, (m) => m <= target);
  }

  if (args.includes('--sdk-hop')) {
    console.log('CPU of one upstream hop, by client (one process, 16 concurrent, same upstream)');
    await runScript('bench/sdk-hop.ts', [String(upstream)], LOAD_CORE);
    console.log('');
  }

  verdicts.push({ measure: 'RSS over the 10-minute soak', measured: 'separate run: `npm run bench -- --soak`', target: '≤ 250 MB and flat', met: null });
  console.log(`load average ${loadavg()[0].toFixed(2)} at the end`);
  console.log(`summary (${quick ? 'quick run, ' : ''}medians over ${ROUNDS} rounds; ${pinningAvailable ? 'servers on one core, load on the other' : 'unpinned'})\n`);
  printVerdicts(verdicts);
} finally {
  loader?.kill('SIGTERM');
  servers.stopAll();
  rmSync(dir, { recursive: true, force: true });
}

function writeBody(name: string, body: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(body));
  return file;
}

/** Runs `names` in turn for each round, rotating who goes first; an unavailable target gets a stand-in result. */
async function runRounds(label: string, names: string[], bodyFile: string, spec: Omit<LoadSpec, 'url' | 'bodyFile' | 'headers' | 'warmupSeconds'>): Promise<Round[]> {
  const rounds: Round[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const round: Round = {};
    const order = names.map((_, k) => names[(k + i) % names.length]);
    for (const name of order) {
      const target = targets.get(name) ?? 'not started';
      if (typeof target === 'string') {
        round[name] = { requests: 0, errors: 0, firstError: target, seconds: 0, rps: Number.NaN, p50: Number.NaN, p99: Number.NaN, max: Number.NaN, firstContentP50: Number.NaN, firstContentP99: Number.NaN, maxSendLagMs: Number.NaN, serverCpuUs: Number.NaN };
        continue;
      }
      process.stderr.write(`  ${label} round ${i + 1}: ${name}\n`);
      round[name] = await load({ ...spec, ...target, bodyFile, warmupSeconds: S.warmup });
    }
    rounds.push(Object.fromEntries(names.map((n) => [n, round[n]])));
  }
  return rounds;
}

/** One measurement in the load process; the servers' CPU time is read when its measured part starts and ends. */
async function load(spec: LoadSpec): Promise<Measured> {
  if (!loader || loader.exitCode !== null) {
    loader = fork(path.join(ROOT, 'bench/load-client.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    pinProcess(loader.pid!, LOAD_CORE);
  }
  const child = loader;
  let cpuAtStart = servers.cpuSeconds();
  return new Promise<Measured>((resolve, reject) => {
    const exited = (code: number | null) => reject(new Error(`load client exited with ${code}`));
    const onMessage = (message: LoadResult | { measuring: true }) => {
      if ('measuring' in message) return void (cpuAtStart = servers.cpuSeconds());
      child.off('exit', exited);
      child.off('message', onMessage);
      resolve({ ...message, serverCpuUs: ((servers.cpuSeconds() - cpuAtStart) * 1e6) / message.requests });
    };
    child.once('exit', exited);
    child.on('message', onMessage);
    child.send(spec);
  });
}

async function runScript(script: string, scriptArgs: string[], core: number): Promise<string> {
  const [command, commandArgs] = pinnedCommand(core, process.execPath, [path.join(ROOT, script), ...scriptArgs]);
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
    process.stdout.write(d);
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`${script} exited with ${code}`);
  return out;
}

/**
 * Throughput ratios from the CPU the server processes spent per request instead of wall-clock time: with
 * the servers alone on a saturated core, req/s = 1 / CPU per request, so these are the ratios a quiet
 * machine gives. Other work on the machine moves wall-clock throughput a lot and CPU per request little.
 */
function cpuRatios(rounds: Round[]): { vsFloor: number; vsPeer: number } {
  const us = (name: string) => median(perRound(rounds, (r) => r[name].serverCpuUs, name));
  console.log(`server CPU per request (all server processes, upstream included): ${['direct', 'floor', 'gateway', 'portkey'].map((n) => `${n} ${fixed(us(n), 0)} µs`).join(', ')}`);
  return {
    vsFloor: median(perRound(rounds, (r) => r.floor.serverCpuUs / r.gateway.serverCpuUs, 'gateway', 'floor')),
    vsPeer: median(perRound(rounds, (r) => r.portkey.serverCpuUs / r.gateway.serverCpuUs, 'gateway', 'portkey')),
  };
}

function peerProblem(rounds: Round[]): string | undefined {
  return rounds.map((r) => unusable(r.portkey)).find(Boolean) ?? undefined;
}

/** Adds a closing-table row from the per-round values (median); `problem` says why it could not be measured. */
function verdict(measure: string, values: number[], describe: (m: number) => string, target: string, holds: (m: number) => boolean, problem?: string): void {
  const m = median(values);
  if (!Number.isFinite(m)) verdicts.push({ measure, measured: `unavailable: ${problem ?? 'no usable round'}`, target, met: null });
  else verdicts.push({ measure, measured: describe(m), target, met: holds(m) });
}
