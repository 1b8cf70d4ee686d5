// `llm-router` spawned as a user runs it (node bin/llm-router.mjs …), for every subcommand, against
// a gateway whose providers are local fakes; `generate` and `classify` also with no gateway at all.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { freePort } from './support/free-port.ts';
import { startGateway, type RunningGateway } from './support/start-gateway.ts';
import { until } from './support/until.ts';

const BIN = path.resolve(import.meta.dirname, '..', 'bin', 'llm-router.mjs');
const ADMIN_KEY = 'admin-key-for-cli-tests';

/** Alive and not a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the command line with only PATH, HOME and `env`; killed if it has not finished in a minute. */
function llmRouter(args: string[], env: Record<string, string> = {}, stdin?: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin ?? '');
  });
}

describe('llm-router against a running gateway', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;
  let env: Record<string, string>;
  /** The same configuration without a gateway, for in-process answers. */
  let localEnv: Record<string, string>;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    const routerConfig = { providers: { fake: { type: 'openai', baseURL: upstream.baseURL, apiKeyEnv: 'FAKE_KEY' } } };
    gateway = await startGateway({
      env: { FAKE_KEY: 'test-key', ROUTER_ADMIN_KEY: ADMIN_KEY },
      routerConfig,
      chains: { conversation: ['fake/text:Hello from the fake'], code: ['fake/error:500', 'fake/text:Code answer'] },
    });
    env = { ROUTER_URL: gateway.url, ROUTER_ADMIN_KEY: ADMIN_KEY };
    localEnv = {
      PORT: String(await freePort()),
      FAKE_KEY: 'test-key',
      ROUTER_CONFIG: path.join(gateway.dir, 'router-config.json'),
      ROUTER_CATEGORIES_DIR: path.join(gateway.dir, 'categories'),
      ROUTER_PRICING_DIR: path.join(gateway.dir, 'pricing'),
      ROUTER_DB: path.join(gateway.dir, 'local.db'),
    };
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('serve runs the gateway on the given port until SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port)], { env: { ...localEnv, PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      await until(() => output.includes('listening'), 30_000);
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output).toContain(`listening on http://127.0.0.1:${port}/v1`);
  }, 60_000);

  it('prints help for every command and exits 0; a wrong command line exits 2', async () => {
    const commands = [['--help'], ['generate', '--help'], ['classify', '--help'], ['providers', '--help'], ['test', '--help'], ['metrics', '--help'], ['cache', 'clear', '--help'], ['config', 'set-chain', '--help'], ['config', 'add-category', '--help'], ['serve', '--help']];
    const runs = await Promise.all(commands.map((args) => llmRouter(args)));
    runs.forEach((ran, i) => {
      expect(ran.code, commands[i].join(' ')).toBe(0);
      expect(ran.stdout).toContain('Usage: llm-router');
    });
    const wrong = await llmRouter(['generat', 'hi']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("unknown command 'generat'");
    expect((await llmRouter(['config', 'set-chain', 'conversation'], env)).code).toBe(2);
  }, 60_000);

  it('generate prints the answer on stdout and the routing on stderr, or JSON with --json', async () => {
    const ran = await llmRouter(['generate', 'hello there', '--model', 'router/conversation'], env);
    expect(ran).toMatchObject({ code: 0, stdout: 'Hello from the fake\n' });
    expect(ran.stderr).toContain('fake/text:Hello from the fake (category conversation, 1 attempt');

    const json = await llmRouter(['generate', 'write a function', '--model', 'router/code', '--json'], env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ text: 'Code answer', target: 'fake/text:Code answer', category: 'code', attempts: 2, in_process: false });
  });

  it('generate --stream reads the prompt from stdin and prints the answer as it arrives', async () => {
    const ran = await llmRouter(['generate', '--stream', '-m', 'router/conversation'], env, 'a prompt on stdin');
    expect(ran).toMatchObject({ code: 0, stdout: 'Hello from the fake\n' });
    expect(upstream.requests.at(-1)!.body.messages.at(-1).content).toBe('a prompt on stdin');
    const lines = (await llmRouter(['generate', '--stream', '--json', '-m', 'router/conversation', 'hi'], env)).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.delta).map((l) => l.delta).join('')).toBe('Hello from the fake');
    expect(lines.at(-1)).toMatchObject({ done: true, target: 'fake/text:Hello from the fake' });
  });

  it('generate exits 1 with the gateway’s error when every target fails, and 3 when no gateway answers at --url', async () => {
    const failed = await llmRouter(['generate', 'hi', '--model', 'fake/error:503'], env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('fake/error:503');
    const down = await llmRouter(['generate', 'hi', '--url', `http://127.0.0.1:${await freePort()}`]);
    expect(down.code).toBe(3);
    expect(down.stderr).toContain('no gateway answered');
  });

  it('generate and classify answer in-process when no gateway runs, from the same configuration', async () => {
    const ran = await llmRouter(['generate', 'hello', '--model', 'router/conversation', '--json'], localEnv);
    expect(ran.code).toBe(0);
    expect(JSON.parse(ran.stdout)).toMatchObject({ text: 'Hello from the fake', category: 'conversation', in_process: true });
    expect(ran.stderr).toContain('answering in-process');
    const classified = await llmRouter(['classify', 'Fix the bug in this Python function: def f(x): return x +', '--local'], localEnv);
    expect(classified.code).toBe(0);
    expect(classified.stdout).toMatch(/^category {4}code \(/);
    expect(classified.stdout).toContain('chain       fake/error:500 → fake/text:Code answer');
  });

  it('generate in-process stops on Ctrl-C, killing a CLI provider’s process group, and exits 130', async () => {
    const echo = path.join(import.meta.dirname, 'support', 'cli-scripts', 'echo-cli.mjs');
    const pidFile = path.join(gateway.dir, 'interrupt.pid');
    writeFileSync(path.join(gateway.dir, 'cli-config.json'), JSON.stringify({ providers: { echo: { type: 'cli', command: [process.execPath, echo, '{model}', '{prompt}'], env: { PATH: process.env.PATH ?? '', ECHO_CLI_PID_FILE: pidFile } } } }));
    const child = spawn(process.execPath, [BIN, 'generate', '--local', '--stream', '-m', 'echo/m1', 'slow-stream'], {
      env: { ...localEnv, ROUTER_CONFIG: path.join(gateway.dir, 'cli-config.json'), PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    await until(() => stdout.includes('first piece'), 30_000);
    const { pid } = JSON.parse(readFileSync(pidFile, 'utf8')) as { pid: number };
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    await until(() => !alive(pid), 5000);
  }, 60_000);

  it('classify asks the gateway for category, method, reasons and chain', async () => {
    const ran = await llmRouter(['classify', 'Fix the bug in this Python function: def f(x): return x +', '--json'], env);
    expect(ran.code).toBe(0);
    expect(JSON.parse(ran.stdout)).toMatchObject({ category: 'code', chain: ['fake/error:500', 'fake/text:Code answer'] });
    expect(JSON.parse(ran.stdout).method).toEqual(expect.any(String));
  });

  it('providers lists each provider with its status and live health; a wrong admin key exits 4', async () => {
    // Probing is off in tests: a listing of what the providers offer probes each one now.
    await fetch(`${gateway.baseURL}/models?upstream=1`);
    const ran = await llmRouter(['providers'], env);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/^PROVIDER\s+TYPE\s+STATUS\s+HEALTH\s+TARGETS/);
    expect(ran.stdout).toMatch(/fake\s+openai\s+ok\s+up \([\d.]+ ms, \d+ models, checked [^)]+\)\s+fake\/error:500/);
    expect(ran.stdout).toMatch(/openai\s+openai\s+not configured \(set OPENAI_API_KEY\)/);
    const json = JSON.parse((await llmRouter(['providers', '--json'], env)).stdout);
    expect(json.providers.map((p: { name: string }) => p.name)).toContain('fake');
    const refused = await llmRouter(['providers'], { ...env, ROUTER_ADMIN_KEY: 'wrong' });
    expect(refused.code).toBe(4);
  });

  it('test probes each chain target, reports ok or the error with latency, and exits 1 when one fails', async () => {
    const all = await llmRouter(['test'], env);
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/fake\/text:Hello from the fake\s+ok\s+\d+/);
    expect(all.stdout).toMatch(/fake\/error:500\s+error 500\s+\d+/);
    const one = await llmRouter(['test', 'fake/text:fine', '--json'], env);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout).results).toEqual([{ target: 'fake/text:fine', ok: true, ms: expect.any(Number), answer: 'fine' }]);
  });

  it('metrics prints a readable summary', async () => {
    const ran = await llmRouter(['metrics'], env);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/^window {8}all time\nrequests {6}\d+ \(\d+ ok, \d+ failed/);
    expect(ran.stdout).toMatch(/TARGET\s+CALLS\s+SUCCESS/);
    expect(JSON.parse((await llmRouter(['metrics', '--json', '--window', '1h'], env)).stdout).window_ms).toBe(3_600_000);
  });

  it('cache clear empties the response cache and says how many entries went', async () => {
    const ran = await llmRouter(['cache', 'clear'], env);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('cache cleared (0 entries)');
  });

  it('config get, set-chain and add-category read and change the chains', async () => {
    const got = await llmRouter(['config', 'get'], env);
    expect(got.code).toBe(0);
    expect(got.stdout).toMatch(/conversation\s+fake\/text:Hello from the fake/);

    const set = await llmRouter(['config', 'set-chain', 'reasoning', 'fake/text:one', 'fake/text:two'], env);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('reasoning: fake/text:one → fake/text:two');
    const added = await llmRouter(['config', 'add-category', 'poetry', '--chain', 'fake/text:A poem', '--keywords', 'poem', 'haiku', '--description', 'verse'], env);
    expect(added).toMatchObject({ code: 0, stdout: 'added category poetry: fake/text:A poem\n' });

    const config = JSON.parse((await llmRouter(['config', 'get', '--json'], env)).stdout);
    expect(config.categories.find((c: { name: string }) => c.name === 'reasoning').chain).toEqual(['fake/text:one', 'fake/text:two']);
    expect((await llmRouter(['generate', 'a haiku please', '--model', 'router/poetry'], env)).stdout).toBe('A poem\n');

    const bad = await llmRouter(['config', 'set-chain', 'reasoning', 'nosuch/model'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('nosuch');
  }, 60_000);
});
