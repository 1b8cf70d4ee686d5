// Coding-agent CLIs as providers, through the real gateway with the openai SDK as client: the real
// Claude Code, Codex and Gemini CLI from npm, each aimed at a local fake of its vendor's API; a missing binary;
// a hung CLI killed with its whole process group at the attempt deadline; a custom command.
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../service/config/gateway-config.ts';
import { ensureAgentCli } from './support/agent-clis.ts';
import { childPath, claudeCodeProvider, codexProvider, geminiProvider } from './support/agent-cli-providers.ts';
import { startFakeGoogle, type FakeGoogle } from './support/fake-google-upstream.ts';
import { startFakeAnthropic, type FakeAnthropic } from './support/fake-anthropic-upstream.ts';
import { startFakeResponses, type FakeResponses } from './support/fake-openai-responses-upstream.ts';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { startGateway, type RunningGateway } from './support/start-gateway.ts';
import { until } from './support/until.ts';

const SCRIPTS = path.join(import.meta.dirname, 'support', 'cli-scripts');
const echoCommand = [process.execPath, path.join(SCRIPTS, 'echo-cli.mjs'), '{model}', '{prompt}'];

/** Alive and not a zombie (a killed child whose parent has not reaped it yet counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function collect(stream: AsyncIterable<{ choices: Array<{ delta?: { content?: string | null } }> }>): Promise<{ text: string; chunks: number }> {
  let text = '';
  let chunks = 0;
  for await (const chunk of stream) {
    const piece = chunk.choices[0]?.delta?.content;
    if (piece) (text += piece), chunks++;
  }
  return { text, chunks };
}

function withoutEnv(provider: Record<string, unknown>, name: string): Record<string, unknown> {
  const { [name]: _dropped, ...env } = provider.env as Record<string, string>;
  return { ...provider, env };
}

describe('the real Claude Code, Codex and Gemini CLIs as providers in a chain', () => {
  let dir: string;
  let anthropic: FakeAnthropic;
  let responses: FakeResponses;
  let google: FakeGoogle;
  let gateway: RunningGateway;

  beforeAll(async () => {
    const [claude, codex, gemini] = await Promise.all([ensureAgentCli('claude-code'), ensureAgentCli('codex'), ensureAgentCli('gemini')]);
    [anthropic, responses, google] = await Promise.all([startFakeAnthropic(), startFakeResponses(), startFakeGoogle()]);
    dir = mkdtempSync(path.join(tmpdir(), 'cli-providers-'));
    gateway = await startGateway({
      routerConfig: {
        providers: {
          // Not installed: its binary is on no PATH it is given.
          gemini: { type: 'cli', preset: 'gemini', env: { PATH: path.join(dir, 'no-such-bin') } },
          claude: claudeCodeProvider(claude, anthropic.url, path.join(dir, 'claude-home')),
          codex: codexProvider(codex, responses.baseURL, path.join(dir, 'codex-home')),
          // Codex whose model provider's key variable is not set: not logged in, in Codex's words.
          'codex-nokey': withoutEnv(codexProvider(codex, responses.baseURL, path.join(dir, 'codex-nokey-home')), 'FAKE_OPENAI_KEY'),
          'gemini-cli': geminiProvider(gemini, google.url, path.join(dir, 'gemini-home')),
        },
      },
      chains: {
        conversation: ['gemini/default', 'claude/text:Hello from Claude Code', 'codex/text:Hello from Codex'],
        code: ['claude/error:401', 'codex-nokey/text:never', 'codex/text:Codex took over'],
        reasoning: ['gemini-cli/text:Hello from Gemini CLI'],
      },
    });
  }, 600_000);

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([anthropic?.close(), responses?.close(), google?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers through Claude Code after the missing CLI is skipped, with the usage and cost Claude Code reported', async () => {
    const { data, response } = await gateway.client().chat.completions.create({ model: 'router/conversation', messages: [{ role: 'user', content: 'say hello' }] }).withResponse();
    expect(data.choices[0].message.content).toBe('Hello from Claude Code');
    expect(response.headers.get('x-router-model')).toBe('claude/text:Hello from Claude Code');
    expect(data.usage).toMatchObject({ prompt_tokens: 16, completion_tokens: 5 });
    // The cost is the one Claude Code reported, recorded as the upstream's own.
    const cost = (data.usage as { cost?: number }).cost;
    expect(cost).toBeGreaterThan(0);
    expect(lastRow(gateway)).toMatchObject({ usage_estimated: 0, cost_source: 'upstream', cost_usd: cost });
    // What reached the fake is Claude Code's own request with the prompt in it, and no tools offered.
    const sent = anthropic.requests.at(-1)!;
    expect(sent.path).toBe('/v1/messages?beta=true');
    expect(JSON.stringify(sent.body.messages)).toContain('say hello');
    expect(sent.body.tools ?? []).toEqual([]);
    const attempts = await lastAttempts(gateway);
    expect(attempts[0]).toMatchObject({ target: 'gemini/default', outcome: 'error', status: 404 });
    expect(attempts[0].error).toContain('"gemini" is not installed');
  }, 60_000);

  it('streams Claude Code text deltas as it prints them', async () => {
    const stream = await gateway.client().chat.completions.create({ model: 'router/conversation', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'say hello' }] });
    const { text, chunks } = await collect(stream);
    expect(text).toBe('Hello from Claude Code');
    expect(chunks).toBeGreaterThan(1);
  }, 60_000);

  it('moves on to Codex when Claude Code and a first Codex are not authenticated, plain and streamed', async () => {
    const { data } = await gateway.client().chat.completions.create({ model: 'router/code', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'write code' }] }).withResponse();
    expect(data.choices[0].message.content).toBe('Codex took over');
    expect(data.usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 3 });
    const attempts = await lastAttempts(gateway);
    expect(attempts[0]).toMatchObject({ target: 'claude/error:401', outcome: 'error', status: 401 });
    expect(attempts[1]).toMatchObject({ target: 'codex-nokey/text:never', outcome: 'error', status: 401 });
    expect(attempts[1].error).toContain('Missing environment variable');
    // Codex was given one delimited prompt, system text included.
    expect(JSON.stringify(responses.requests.at(-1)!.body.input)).toContain('<system>\\nBe brief.\\n</system>');

    const stream = await gateway.client().chat.completions.create({ model: 'router/code', stream: true, messages: [{ role: 'user', content: 'write code' }] });
    expect((await collect(stream)).text).toBe('Codex took over');
  }, 60_000);

  it('streams Gemini CLI’s answer pieces with the usage it reported', async () => {
    const stream = await gateway.client().chat.completions.create({ model: 'router/reasoning', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'think' }] });
    let usage: unknown;
    let text = '';
    let pieces = 0;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      const piece = chunk.choices[0]?.delta?.content;
      if (piece) (text += piece), pieces++;
    }
    expect(text).toBe('Hello from Gemini CLI');
    expect(pieces).toBeGreaterThan(1);
    expect(usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 5 });
    expect(google.requests.at(-1)!.model).toBe('text:Hello from Gemini CLI');
  }, 60_000);
});

describe('a custom command and a hung CLI', () => {
  let dir: string;
  let openai: FakeUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    openai = await startFakeOpenAI();
    dir = mkdtempSync(path.join(tmpdir(), 'cli-custom-'));
    gateway = await startGateway({
      env: { FAKE_KEY: 'test-key' },
      routerConfig: {
        attemptTimeoutMs: 1500,
        providers: {
          hung: { type: 'cli', command: [process.execPath, path.join(SCRIPTS, 'hung-cli.mjs'), '{prompt}'], env: { PATH: childPath(), HUNG_CLI_PIDS: path.join(dir, 'hung.pids') } },
          echo: { type: 'cli', command: echoCommand, env: { PATH: childPath(), ECHO_CLI_PID_FILE: path.join(dir, 'echo.pid') }, maxConcurrent: 1 },
          solo: { type: 'cli', command: echoCommand, env: { PATH: childPath() }, maxConcurrent: 1, maxQueue: 0 },
          fake: { type: 'openai', baseURL: openai.baseURL, apiKeyEnv: 'FAKE_KEY' },
        },
      },
      chains: { conversation: ['hung/default', 'echo/m1'], tools: ['echo/m3', 'fake/tool'], reasoning: ['solo/s', 'echo/m4'] },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await openai?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('kills a hung CLI with its whole process group at the attempt deadline and answers from the next target', async () => {
    const { data, response } = await gateway.client().chat.completions.create({ model: 'router/conversation', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(data.choices[0].message.content).toBe('echo(m1): hi');
    expect(response.headers.get('x-router-attempts')).toBe('2');
    const [cliPid, grandchildPid] = JSON.parse(readFileSync(path.join(dir, 'hung.pids'), 'utf8')) as number[];
    await until(() => !alive(cliPid) && !alive(grandchildPid), 5000);
    const attempts = await lastAttempts(gateway);
    expect(attempts[0]).toMatchObject({ target: 'hung/default', outcome: 'error' });
    expect(attempts[0].error).toContain('1500 ms');
  });

  it('gives a long prompt to a custom command on stdin and streams its stdout', async () => {
    const long = `${'x'.repeat(20_000)} the end`;
    const stream = await gateway.client().chat.completions.create({ model: 'echo/m2', stream: true, messages: [{ role: 'user', content: long }] });
    const { text } = await collect(stream);
    expect(text).toBe(`echo(m2): ${long.length} chars, ends "${long.slice(-20)}"`);
    // The command reported no usage: the request log estimates it and says so.
    expect(lastRow(gateway)).toMatchObject({ target: 'echo/m2', usage_estimated: 1, completion_tokens: Math.ceil(text.length / 4) });
  });

  it('reports a failing command’s stderr as the attempt’s error, with secrets redacted', async () => {
    const error = await gateway.client().chat.completions.create({ model: 'echo/m1', messages: [{ role: 'user', content: 'fail' }] }).catch((e) => e);
    expect(error.status).toBe(502);
    const attempts = await lastAttempts(gateway);
    expect(attempts[0].error).toContain('exited with code 3: echo-cli: something went wrong');
    expect(attempts[0].error).not.toContain('sk-test-secret-value-12345');
  });

  it('streams what the CLI prints while it runs, and kills it when the client goes away mid-stream', async () => {
    const controller = new AbortController();
    const stream = await gateway.client().chat.completions.create({ model: 'echo/m1', stream: true, messages: [{ role: 'user', content: 'slow-stream' }] }, { signal: controller.signal });
    let first = '';
    for await (const chunk of stream) {
      first = chunk.choices[0]?.delta?.content ?? '';
      if (first) break;
    }
    const { pid, cwd } = JSON.parse(readFileSync(path.join(dir, 'echo.pid'), 'utf8')) as { pid: number; cwd: string };
    // The first piece reached the client while the command is still running.
    expect(first).toBe('first piece ');
    expect(alive(pid)).toBe(true);
    controller.abort();
    await until(() => !alive(pid), 5000);
    // It ran in a fresh temporary directory, removed with it.
    expect(path.basename(cwd)).toMatch(/^llm-router-cli-/);
    await until(() => !existsSync(cwd), 5000);
  });

  it('runs at most maxConcurrent processes; past the queue a call is refused at once and the chain moves on', async () => {
    const controller = new AbortController();
    const busy = await gateway.client().chat.completions.create({ model: 'solo/s', stream: true, messages: [{ role: 'user', content: 'slow-stream' }] }, { signal: controller.signal });
    const first = await busy[Symbol.asyncIterator]().next();
    expect(first.done).toBe(false);
    const { data } = await gateway.client().chat.completions.create({ model: 'router/reasoning', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(data.choices[0].message.content).toBe('echo(m4): hi');
    expect((await lastAttempts(gateway))[0]).toMatchObject({ target: 'solo/s', outcome: 'error', status: 429 });
    const listed = (await (await fetch(`${gateway.url}/providers`)).json()) as { providers: Array<{ name: string; cli?: unknown }> };
    expect(listed.providers.find((p) => p.name === 'solo')!.cli).toEqual({ preset: null, executable: process.execPath, max_concurrent: 1, running: 1, queued: 0 });
    controller.abort();
  });

  it('refuses a model id that looks like a flag', async () => {
    const error = await gateway.client().chat.completions.create({ model: 'echo/--help', messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e);
    expect(error.status).toBe(400);
    expect(error.message).toContain('cannot start with "-"');
  });

  it('skips a CLI target for a request that carries tools, without counting it against its breaker', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const { data, response } = await gateway.client().chat.completions.create({ model: 'router/tools', messages: [{ role: 'user', content: 'weather in Paris?' }], tools }).withResponse();
    expect(response.headers.get('x-router-model')).toBe('fake/tool');
    expect((data.choices[0].message.tool_calls?.[0] as { function: { name: string } }).function.name).toBe('get_weather');
    expect((await lastAttempts(gateway)).map((a) => a.target)).toEqual(['fake/tool']);

    // Named directly, the CLI refuses tools as unsupported (501), which its breaker does not count.
    const error = await gateway.client().chat.completions.create({ model: 'echo/m3', messages: [{ role: 'user', content: 'weather?' }], tools }).catch((e) => e);
    expect(error.status).toBeGreaterThanOrEqual(400);
    expect((await lastAttempts(gateway))[0]).toMatchObject({ target: 'echo/m3', status: 501 });
    const listed = (await (await fetch(`${gateway.url}/providers`)).json()) as { providers: Array<{ name: string; targets: Array<{ target: string; failures: number }> }> };
    expect(listed.providers.find((p) => p.name === 'echo')!.targets.find((t) => t.target === 'echo/m3')?.failures ?? 0).toBe(0);
  });

  it('refuses a cli provider with both preset and command at start, naming the key', async () => {
    await expect(startGateway({ routerConfig: { providers: { bad: { type: 'cli', preset: 'codex', command: ['x', '{prompt}'] } } } })).rejects.toThrow(/providers\.bad\.preset: a cli provider needs exactly one of preset or command/);
    await expect(startGateway({ routerConfig: { providers: { bad: { type: 'cli', command: ['x', '{prompt}'], apiKey: 'k' } } } })).rejects.toThrow(/providers\.bad\.apiKey/);
    expect(existsSync(dir)).toBe(true);
  });
});

/** The latest request's row in the request log. */
function lastRow(gateway: RunningGateway): Record<string, unknown> {
  gateway.gateway.log.flush();
  const db = new Database(gateway.config.dbPath, { readonly: true });
  const row = db.prepare('SELECT * FROM requests ORDER BY rowid DESC LIMIT 1').get() as Record<string, unknown>;
  db.close();
  return row;
}

/** The attempts of the latest request, as the request log stored them. */
async function lastAttempts(gateway: RunningGateway): Promise<Array<{ target: string; outcome: string; status?: number; error?: string }>> {
  gateway.gateway.log.flush();
  const db = new Database(gateway.config.dbPath, { readonly: true });
  const row = db.prepare('SELECT attempts FROM requests ORDER BY rowid DESC LIMIT 1').get() as { attempts: string };
  db.close();
  return JSON.parse(row.attempts);
}

describe('cli provider configuration', () => {
  const configDir = mkdtempSync(path.join(tmpdir(), 'cli-config-'));
  afterAll(() => rmSync(configDir, { recursive: true, force: true }));
  const load = (providers: Record<string, unknown>, env: Record<string, string> = {}) => {
    const file = path.join(configDir, `config-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify({ providers }));
    return loadConfig({ ROUTER_CONFIG: file, ...env });
  };

  it('refuses an unknown preset, a command without {prompt}, cli keys on other types and typos, naming each key', () => {
    expect(() => load({ a: { type: 'cli', preset: 'cursor' } })).toThrow(/providers\.a\.preset: /);
    expect(() => load({ a: { type: 'cli', command: ['ask'] } })).toThrow(/providers\.a\.command: command needs a \{prompt\} placeholder/);
    expect(() => load({ a: { type: 'openai', baseURL: 'http://127.0.0.1:1/v1', timeoutMs: 1000 } })).toThrow(/providers\.a\.timeoutMs: only a cli provider takes timeoutMs/);
    expect(() => load({ a: { type: 'cli', preset: 'codex', maxConcurent: 2 } })).toThrow(/providers\.a\.maxConcurent: unknown key; did you mean maxConcurrent\?/);
  });

  it('gives the child only what its preset needs from the environment, plus the configured env', () => {
    const config = load({ c: { type: 'cli', preset: 'claude-code', env: { CLAUDE_CONFIG_DIR: '/srv/claude' } } }, { PATH: '/usr/bin', HOME: '/home/op', ANTHROPIC_API_KEY: 'sk-ant-x', OPENAI_API_KEY: 'sk-openai', ROUTER_ADMIN_KEY: 'admin' });
    const cli = config.providers.find((p) => p.name === 'c')!;
    expect(cli).toMatchObject({ type: 'cli', configured: true, cli: { preset: 'claude-code', maxConcurrent: 2, maxQueue: 16, timeoutMs: 120_000, cwd: undefined } });
    expect(cli.cli!.env).toMatchObject({ PATH: '/usr/bin', HOME: '/home/op', ANTHROPIC_API_KEY: 'sk-ant-x', CLAUDE_CONFIG_DIR: '/srv/claude', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' });
    expect(cli.cli!.env).not.toHaveProperty('OPENAI_API_KEY');
    expect(cli.cli!.env).not.toHaveProperty('ROUTER_ADMIN_KEY');
  });
});
