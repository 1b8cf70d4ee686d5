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
        backup: { type: 'openai', baseURL: backup.baseURL, apiKeyEnv: 'BACKUP_KEY' },
      },
    },
    // Long enough that a gateway reading without a cap would still be reading when the test fails.
    env: { CLAUDE_TEST_KEY: 'claude-size-test-key', BACKUP_KEY: 'backup-key', ROUTER_LOG_FLUSH_MS: '50', ROUTER_ATTEMPT_TIMEOUT_MS: '60000' },
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
  it.each([['claude'], ['local']])('%s: the attempt fails before any content and the next target streams the answer', async (provider) => {
    const target = `${provider}/m@long-line:8388608`;
    await chain([target, 'backup/text']);
    expect(await streamedText('router/conversation')).toBe('Hello from text');
    const attempts = await attemptsOf(target);
    expect(attempts[0]).toMatchObject({ target, outcome: 'error' });
    expect(attempts[0].error).toMatch(/line longer than 1048576 bytes/);
  }, 30_000);
});
