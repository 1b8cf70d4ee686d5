// Configuration the gateway cannot run with stops the start with one line naming the setting,
// instead of failing later or running silently: loadConfig for each case, the real process for a few.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../service/config/gateway-config.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'router-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function configFile(content: unknown): string {
  const file = path.join(dir, `config-${++files}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig refuses what the gateway could not run with', () => {
  const cases: [string, () => Record<string, string>, RegExp][] = [
    ['a fractional PORT', () => ({ PORT: '0.4' }), /^PORT must be a whole number from 1 to 65535, got "0.4"$/],
    ['a PORT above 65535', () => ({ PORT: '99999' }), /^PORT .*"99999"/],
    ['a HOST that is not a host name', () => ({ HOST: 'http://example.com' }), /^HOST must be an IP address or a host name/],
    ['a body limit of a few bytes', () => ({ ROUTER_MAX_BODY_MB: '1e-9' }), /^ROUTER_MAX_BODY_MB must be a number from 0.1 to 1024/],
    ['a breaker reset Node would clamp to 1 ms', () => ({ ROUTER_BREAKER_RESET_MS: '3000000000' }), /^ROUTER_BREAKER_RESET_MS must be a whole number of milliseconds from 100 to 2147483647, got "3000000000"$/],
    ['a fractional ROUTER_WORKERS', () => ({ ROUTER_WORKERS: '1.5' }), /^ROUTER_WORKERS must be a whole number or "auto", got "1.5"$/],
    ['ROUTER_WORKERS=0', () => ({ ROUTER_WORKERS: '0' }), /^ROUTER_WORKERS must be a number from 1 to 256, got "0"$/],
    ['an in-memory store split across workers', () => ({ ROUTER_DB: ':memory:', ROUTER_WORKERS: '2' }), /^ROUTER_DB=:memory: cannot be shared by ROUTER_WORKERS/],
    ['a sub-millisecond flush interval', () => ({ ROUTER_LOG_FLUSH_MS: '0.4' }), /^ROUTER_LOG_FLUSH_MS must be a whole number of milliseconds/],
    ['a request deadline past 2^31-1 ms', () => ({ ROUTER_REQUEST_TIMEOUT_MS: '2147483648' }), /^ROUTER_REQUEST_TIMEOUT_MS /],
    ['a classifier timeout past 2^31-1 ms', () => ({ ROUTER_CLASSIFIER_TIMEOUT_MS: '9e12' }), /^ROUTER_CLASSIFIER_TIMEOUT_MS /],
    ['a cool-down cap past 2^31-1 ms', () => ({ ROUTER_MAX_COOLDOWN_S: '3000000' }), /^ROUTER_MAX_COOLDOWN_S must be a number from 1 to 2147483/],
    ['an upstream answer cap of bytes', () => ({ ROUTER_MAX_UPSTREAM_MB: '1e-9' }), /^ROUTER_MAX_UPSTREAM_MB must be a number from 0.1 to 1024/],
    ['a file breaker reset past 2^31-1 ms', () => ({ ROUTER_CONFIG: configFile({ breaker: { resetTimeout: 3_000_000_000 } }) }), /breaker\.resetTimeout: /],
    ['a file attempt timeout past 2^31-1 ms', () => ({ ROUTER_CONFIG: configFile({ attemptTimeoutMs: 3_000_000_000 }) }), /attemptTimeoutMs: /],
    ['client keys that name no key', () => ({ ROUTER_API_KEYS: ' , ,' }), /^ROUTER_API_KEYS is set but names no key/],
    ['a classifier model on an unknown provider', () => ({ ROUTER_CLASSIFIER: 'llm', ROUTER_CLASSIFIER_MODEL: 'nosuch/qwen3:1.7b' }), /^ROUTER_CLASSIFIER_MODEL "nosuch\/qwen3:1.7b" names unknown provider "nosuch"/],
    ['a provider named __proto__', () => ({ ROUTER_CONFIG: configFile('{"providers": {"__proto__": {"type": "openai", "baseURL": "http://127.0.0.1:1/v1"}}}') }), /providers\.__proto__: this name is reserved/],
    ['a provider named router', () => ({ ROUTER_CONFIG: configFile({ providers: { router: { type: 'openai', baseURL: 'http://127.0.0.1:1/v1' } } }) }), /providers\.router: this provider name is reserved/],
    ['a file: baseURL', () => ({ ROUTER_CONFIG: configFile({ providers: { local: { type: 'openai', baseURL: 'file:///etc/passwd' } } }) }), /providers\.local\.baseURL: must be an http:\/\/ or https:\/\/ URL/],
    ['a non-http base URL in the environment', () => ({ OPENAI_BASE_URL: 'ftp://example.com/v1' }), /^OPENAI_BASE_URL must be an http:\/\/ or https:\/\/ URL/],
    ['a header with CR/LF', () => ({ ROUTER_CONFIG: configFile({ providers: { x: { type: 'openai', baseURL: 'http://127.0.0.1:1/v1', headers: { 'X-Team': 'a\r\nX-Injected: 1' } } } }) }), /providers\.x\.headers\.X-Team: header "X-Team" contains CR, LF or NUL/],
    ['an environment header with CR/LF', () => ({ OPENROUTER_TITLE: 'fleet\r\nX-Injected: 1' }), /^OPENROUTER_TITLE: header "X-Title" contains CR, LF or NUL/],
    ['credentials inside a baseURL', () => ({ ROUTER_CONFIG: configFile({ providers: { x: { type: 'openai', baseURL: 'https://user:sk-secret@api.example.com/v1' } } }) }), /providers\.x\.baseURL: must not contain credentials .*apiKey/],
    ['credentials inside OLLAMA_HOST', () => ({ OLLAMA_HOST: 'http://me:pw@127.0.0.1:11434' }), /^OLLAMA_HOST must not contain credentials/],
  ];
  it.each(cases)('%s', (_name, env, message) => {
    const text = refusal(env());
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });

  it('names a misspelt ROUTER_CONFIG key with its path and the nearest known key', () => {
    const file = configFile({ providers: { typo: { type: 'openai', baseUrl: 'http://127.0.0.1:1/v1' } }, attemptTimeoutMS: 1000, routes: {} });
    const text = refusal({ ROUTER_CONFIG: file });
    expect(text).toContain('providers.typo.baseUrl: unknown key; did you mean baseURL?');
    expect(text).toContain('attemptTimeoutMS: unknown key; did you mean attemptTimeoutMs?');
    expect(text).toMatch(/routes: unknown key \(known: providers, breaker, breakers, attemptTimeoutMs[,)]/);
  });

  it('takes ROUTER_DB=:memory: as SQLite\'s in-memory database, not a file named ":memory:"', () => {
    expect(loadConfig({ ROUTER_DB: ':memory:' }).dbPath).toBe(':memory:');
    expect(loadConfig({ ROUTER_DB: 'data/x.db' }).dbPath).toBe(path.resolve('data/x.db'));
  });

  it('still accepts what the documentation shows', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: 'localhost',
      ROUTER_API_KEYS: ' one , two,,',
      ROUTER_BREAKER_RESET_MS: '2147483647',
      OLLAMA_HOST: '127.0.0.1:11434',
      ROUTER_CLASSIFIER: 'hybrid',
      ROUTER_CLASSIFIER_MODEL: 'ollama/qwen3:1.7b',
      ROUTER_CONFIG: configFile({
        providers: {
          vllm: { type: 'openai', baseURL: 'http://10.0.0.5:8000/v1' },
          'claude-eu': { type: 'anthropic', baseURL: 'https://eu.example.com', apiKeyEnv: 'CLAUDE_EU_KEY', headers: { 'X-Team': 'agents' } },
        },
        breaker: { errorThresholdPercentage: 50, volumeThreshold: 5, rollingCountTimeout: 60000, resetTimeout: 30000 },
        breakers: { 'openrouter/moonshotai/kimi-k2.5': { volumeThreshold: 3, resetTimeout: 60000 } },
        attemptTimeoutMs: 120000,
      }),
    });
    expect(config.port).toBe(8080);
    expect(config.clientKeys).toEqual(['one', 'two']);
    expect(config.breaker.resetTimeout).toBe(2147483647);
    expect(config.providers.find((p) => p.name === 'ollama')?.baseURL).toBe('http://127.0.0.1:11434');
    expect(config.providers.map((p) => p.name)).toContain('claude-eu');
  });
});

const ROOT = path.resolve(import.meta.dirname, '..');

/** Runs `node service/main.ts` with `env` until it exits (it must: every case here refuses to start). */
function startExpectingRefusal(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'service/main.ts')], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ROUTER_DB: path.join(dir, 'refused.db'), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

describe('the real process refuses to start, in one line', () => {
  let blocker: Server | undefined;
  afterAll(() => blocker?.close());

  it('on a port already in use: exit 1 naming PORT, no stack trace', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const { code, output } = await startExpectingRefusal({ PORT: String(port) });
    expect(code).toBe(1);
    expect(output.trim()).toBe(`[router] cannot start: PORT ${port} is already in use on 127.0.0.1 (another gateway or program listens there); stop it or choose another PORT`);
  });

  it('on a HOST that does not resolve', async () => {
    const { code, output } = await startExpectingRefusal({ PORT: '3456', HOST: 'no-such-host.invalid' });
    expect(code).toBe(1);
    expect(output.trim()).toMatch(/^\[router\] cannot start: HOST no-such-host\.invalid does not resolve to an address/);
  });

  it.each([
    [{ PORT: '0.4' }, 'PORT must be a whole number from 1 to 65535, got "0.4"'],
    [{ ROUTER_API_KEYS: ' , ,' }, 'ROUTER_API_KEYS is set but names no key; unset it to run without client keys'],
  ])('on %j', async (env, message) => {
    const { code, output } = await startExpectingRefusal(env);
    expect(code).toBe(1);
    expect(output.trim()).toBe(`[router] configuration error: ${message}`);
  });
});
