// Finding 10 of issue 9: an upstream that echoes the key it was sent, or answers with an HTML page,
// must not carry the gateway's credential (or markup) to the client, the request log or /metrics.
// Through the real server with the openai SDK, against a hostile host playing an OpenAI-compatible
// and an Anthropic upstream, and the fake Anthropic API.
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startHostileUpstream, type HostileUpstream } from './support/hostile-upstream.ts';
import { startFakeAnthropic, type FakeAnthropic } from './support/fake-anthropic-upstream.ts';
import { startGateway, type RunningGateway } from './support/start-gateway.ts';

// Shaped unlike any credential pattern, so only the registry can catch them.
const OPENAI_KEY = 'plainhostkey-0123456789';
const CLAUDE_KEY = 'claudehostkey-9876543210';
const HEADER_SECRET = 'tenant-header-secret-55555';

let hostile: HostileUpstream;
let claude: FakeAnthropic;
let gw: RunningGateway;
let client: OpenAI;

beforeAll(async () => {
  hostile = await startHostileUpstream();
  claude = await startFakeAnthropic();
  gw = await startGateway({
    routerConfig: {
      providers: {
        host: { type: 'openai', baseURL: hostile.baseURL, apiKeyEnv: 'HOST_KEY', headers: { 'x-tenant-token': HEADER_SECRET } },
        hclaude: { type: 'anthropic', baseURL: hostile.url, apiKeyEnv: 'HCLAUDE_KEY' },
        claude: { type: 'anthropic', baseURL: claude.url, apiKeyEnv: 'CLAUDE_KEY' },
      },
    },
    env: { HOST_KEY: OPENAI_KEY, HCLAUDE_KEY: CLAUDE_KEY, CLAUDE_KEY, ROUTER_LOG_FLUSH_MS: '50' },
  });
  client = gw.client();
});

afterAll(async () => {
  await gw?.close();
  await hostile?.close();
  await claude?.close();
});

async function failureText(model: string, stream = false): Promise<string> {
  try {
    if (stream) for await (const _ of await client.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: 'hi' }] }));
    else await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
  } catch (error) {
    if (error instanceof OpenAI.APIError) return JSON.stringify({ message: error.message, body: error.error });
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe("an upstream that echoes the gateway's key", () => {
  it.each([
    ['an OpenAI-compatible host', 'host/echo-auth', OPENAI_KEY],
    ['an OpenAI-compatible host, streamed', 'host/echo-auth#s', OPENAI_KEY],
    ['an Anthropic-speaking host', 'hclaude/echo-auth', CLAUDE_KEY],
    ['the Anthropic API', 'claude/echo-key', CLAUDE_KEY],
  ])('%s: the client never sees the key', async (_, model, key) => {
    const text = await failureText(model, model.endsWith('#s'));
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(key);
    expect(text).not.toContain(HEADER_SECRET);
  });

  it('nor does the request log, /metrics or its Prometheus text', async () => {
    await failureText('host/echo-auth#log');
    gw.gateway.log.flush();
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    const prometheus = await (await fetch(`${gw.url}/metrics?format=prometheus`)).text();
    const db = new Database(gw.config.dbPath, { readonly: true });
    const rows = JSON.stringify(db.prepare('SELECT * FROM requests').all());
    db.close();
    expect(rows).toContain('[redacted]');
    for (const text of [metrics, prometheus, rows]) {
      for (const secret of [OPENAI_KEY, CLAUDE_KEY, HEADER_SECRET]) expect(text).not.toContain(secret);
    }
  });
});

describe('an upstream that answers with an HTML error page', () => {
  it.each([['hclaude/html-error'], ['host/html-error']])('%s: the client gets its title as plain text, no markup', async (model) => {
    const text = await failureText(model);
    expect(text).toContain('502 Bad Gateway');
    expect(text).not.toMatch(/<html|<script|<center|var leak/);
  });
});
