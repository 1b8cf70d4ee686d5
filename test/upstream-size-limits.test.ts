// Finding 12 of issue 9: an upstream answer is bounded before any SDK holds it. A plain answer past
// the cap, or a stream line past its cap, fails that attempt (retryable) and the chain moves on.
// Through the real server with the openai SDK, against a hostile host playing Anthropic and Ollama.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { startHostileUpstream, type HostileUpstream } from './support/hostile-upstream.ts';
import { startGateway, type RunningGateway } from './support/start-gateway.ts';

const MIB = 1024 * 1024;
let hostile: HostileUpstream;
let backup: FakeUpstream;
let gw: RunningGateway;
let client: OpenAI;

beforeAll(async () => {
  hostile = await startHostileUpstream();
  backup = await startFakeOpenAI();
  gw = await startGateway({
    routerConfig: {
      providers: {
        claude: { type: 'anthropic', baseURL: hostile.url, apiKeyEnv: 'CLAUDE_TEST_KEY' },
        local: { type: 'ollama', baseURL: hostile.url },
        // Gemini puts the model in the URL path, so the hostile mode rides in a header per provider.
        gemini_endless: { type: 'google', baseURL: hostile.url, apiKeyEnv: 'GEMINI_TEST_KEY', headers: { 'x-hostile-mode': 'endless' } },
        gemini_huge: { type: 'google', baseURL: hostile.url, apiKeyEnv: 'GEMINI_TEST_KEY', headers: { 'x-hostile-mode': 'huge' } },
        gemini_line: { type: 'google', baseURL: hostile.url, apiKeyEnv: 'GEMINI_TEST_KEY', headers: { 'x-hostile-mode': 'long-line:8388608' } },
        backup: { type: 'openai', baseURL: backup.baseURL, apiKeyEnv: 'BACKUP_KEY' },
      },
    },
    // Long enough that a gateway reading without a cap would still be reading when the test fails.
    env: { CLAUDE_TEST_KEY: 'claude-size-test-key', GEMINI_TEST_KEY: 'gemini-size-test-key', BACKUP_KEY: 'backup-key', ROUTER_LOG_FLUSH_MS: '50', ROUTER_ATTEMPT_TIMEOUT_MS: '60000' },
  });
  client = gw.client();
});

afterAll(async () => {
  await gw?.close();
  await hostile?.close();
  await backup?.close();
});

async function chain(models: string[]): Promise<void> {
  const res = await fetch(`${gw.url}/config/model-mapping`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ category: 'conversation', models }) });
  expect(res.status).toBe(200);
}

async function attemptsOf(model: string): Promise<Array<{ target: string; outcome: string; error?: string }>> {
  for (let i = 0; i < 40; i++) {
    gw.gateway.log.flush();
    const db = new Database(gw.config.dbPath, { readonly: true });
    const row = db.prepare("SELECT attempts FROM requests WHERE attempts LIKE ? ORDER BY ts DESC LIMIT 1").get(`%${model}%`) as { attempts: string } | undefined;
    db.close();
    if (row) return JSON.parse(row.attempts);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no record for ${model}`);
}

async function streamedText(model: string): Promise<string> {
  let text = '';
  for await (const chunk of await client.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: 'hi' }] })) text += chunk.choices[0]?.delta?.content ?? '';
  return text;
}

describe('a plain answer larger than the cap (16 MiB by default)', () => {
  it.each([
    ['claude', 'endless (no length given)', 'm@endless'],
    ['local', 'endless (no length given)', 'm@endless'],
    ['claude', 'declared 50 MiB', 'm@huge'],
    ['local', 'declared 50 MiB', 'm@huge'],
    // The Gemini SDK calls the global fetch: its requests are routed to the bounded one by URL.
    ['gemini_endless', 'endless (no length given)', 'gemini-2.5-flash'],
    ['gemini_huge', 'declared 50 MiB', 'gemini-2.5-flash'],
  ])('%s, %s: the attempt fails as too large and the next target answers', async (provider, _, model) => {
    const target = `${provider}/${model}`;
    await chain([target, 'backup/text']);
    const sentBefore = hostile.bytesSent();
    const answer = await client.chat.completions.create({ model: 'router/conversation', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0].message.content).toBe('Hello from text');
    const attempts = await attemptsOf(target);
    expect(attempts[0]).toMatchObject({ target, outcome: 'error' });
    expect(attempts[0].error).toMatch(/larger than 16777216 bytes/);
    // What the host got to send before the gateway hung up: the cap plus what sockets buffer, never 50 MiB.
    expect(hostile.bytesSent() - sentBefore).toBeLessThan(40 * MIB);
  }, 30_000);
});

describe('a stream line longer than the cap (1 MiB by default)', () => {
  it.each([['claude'], ['local'], ['gemini_line']])('%s: the attempt fails before any content and the next target streams the answer', async (provider) => {
    const target = provider.startsWith('gemini') ? `${provider}/gemini-2.5-flash` : `${provider}/m@long-line:8388608`;
    await chain([target, 'backup/text']);
    expect(await streamedText('router/conversation')).toBe('Hello from text');
    const attempts = await attemptsOf(target);
    expect(attempts[0]).toMatchObject({ target, outcome: 'error' });
    // (The Gemini SDK reports a stream its fetch aborted as broken off, without the cause; without the
    // bounded fetch the attempt would instead sit on the open line until its deadline.)
    expect(attempts[0].error).toMatch(provider.startsWith('gemini') ? /line longer than 1048576 bytes|broke off/ : /line longer than 1048576 bytes/);
  }, 30_000);
});
