// Findings 14, 2 and 19 of issue 9 for the translated providers (Anthropic, Gemini, Ollama): an answer
// the gateway cannot deliver fails that attempt and the chain moves on; token counts of the wrong
// type never get past the provider; an Ollama error object reads as its message.
// Through the real server with the openai SDK, against the local fakes.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startFakeAnthropic, type FakeAnthropic } from './support/fake-anthropic-upstream.ts';
import { startFakeGoogle, type FakeGoogle } from './support/fake-google-upstream.ts';
import { startFakeOllama, type FakeOllama } from './support/fake-ollama-upstream.ts';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { startGateway, type RunningGateway } from './support/start-gateway.ts';

let claude: FakeAnthropic;
let gemini: FakeGoogle;
let ollama: FakeOllama;
let backup: FakeUpstream;
let gw: RunningGateway;
let client: OpenAI;

beforeAll(async () => {
  [claude, gemini, ollama, backup] = await Promise.all([startFakeAnthropic(), startFakeGoogle(), startFakeOllama(), startFakeOpenAI()]);
  gw = await startGateway({
    routerConfig: {
      providers: {
        claude: { type: 'anthropic', baseURL: claude.url, apiKeyEnv: 'CLAUDE_TEST_KEY' },
        gemini: { type: 'google', baseURL: gemini.url, apiKeyEnv: 'GEMINI_TEST_KEY' },
        local: { type: 'ollama', baseURL: ollama.url },
        backup: { type: 'openai', baseURL: backup.baseURL, apiKeyEnv: 'BACKUP_KEY' },
      },
    },
    env: { CLAUDE_TEST_KEY: 'claude-shape-key', GEMINI_TEST_KEY: 'gemini-shape-key', BACKUP_KEY: 'backup-key', ROUTER_LOG_FLUSH_MS: '50' },
  });
  client = gw.client();
});

afterAll(async () => {
  await gw?.close();
  await Promise.all([claude?.close(), gemini?.close(), ollama?.close(), backup?.close()]);
});

async function chain(models: string[]): Promise<void> {
  const res = await fetch(`${gw.url}/config/model-mapping`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ category: 'conversation', models }) });
  expect(res.status).toBe(200);
}

async function lastRow(where: string, value: string): Promise<Record<string, any>> {
  for (let i = 0; i < 40; i++) {
    gw.gateway.log.flush();
    const db = new Database(gw.config.dbPath, { readonly: true });
    const row = db.prepare(`SELECT * FROM requests WHERE ${where} LIKE ? ORDER BY ts DESC LIMIT 1`).get(`%${value}%`) as Record<string, any> | undefined;
    db.close();
    if (row) return row;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no record for ${value}`);
}

const ask = { messages: [{ role: 'user' as const, content: 'weather in Paris?' }] };

describe('an answer the gateway cannot deliver is the upstream fault: the next target answers', () => {
  const cases = ['claude', 'gemini', 'local'].flatMap((provider) => ['tool-no-name', 'deep'].flatMap((fault) => [false, true].map((stream) => [provider, fault, stream] as const)));
  it.each(cases)('%s, %s, stream %s', async (provider, fault, stream) => {
    const target = `${provider}/${fault}`;
    await chain([target, 'backup/text']);
    let text = '';
    if (stream) {
      for await (const chunk of await client.chat.completions.create({ model: 'router/conversation', stream: true, ...ask })) text += chunk.choices[0]?.delta?.content ?? '';
    } else {
      const { data, response } = await client.chat.completions.create({ model: 'router/conversation', ...ask }).withResponse();
      expect(response.headers.get('x-router-model')).toBe('backup/text');
      text = data.choices[0].message.content ?? '';
    }
    expect(text).toBe('Hello from text');
    const row = await lastRow('attempts', target);
    expect(row.status).toBe(200);
    const attempts = JSON.parse(row.attempts);
    expect(attempts[0]).toMatchObject({ target, outcome: 'error' });
    expect(attempts[0].error).toMatch(/cannot be delivered: (a tool call has no function name|tool call arguments nest deeper than 64 levels)/);
  });
});

describe('token counts that are objects, booleans or arrays', () => {
  it.each([['claude'], ['gemini'], ['local']])('%s: the answer is delivered and recorded with numbers or nothing', async (provider) => {
    for (const stream of [false, true]) {
      const model = `${provider}/usage-object`;
      if (stream) {
        let text = '';
        for await (const chunk of await client.chat.completions.create({ model, stream: true, stream_options: { include_usage: true }, ...ask })) {
          text += chunk.choices[0]?.delta?.content ?? '';
          if (chunk.usage) for (const value of [chunk.usage.prompt_tokens, chunk.usage.completion_tokens]) expect(typeof value).toBe('number');
        }
        expect(text).toContain('usage-object');
      } else {
        const answer = await client.chat.completions.create({ model, ...ask });
        expect(answer.choices[0].message.content).toContain('usage-object');
        for (const value of [answer.usage?.prompt_tokens, answer.usage?.completion_tokens]) expect(['number', 'undefined']).toContain(typeof value);
      }
      const row = await lastRow('requested_model', model);
      for (const column of ['prompt_tokens', 'completion_tokens', 'cached_tokens', 'reasoning_tokens']) expect(['number', 'object']).toContain(typeof row[column]);
      expect(row.status).toBe(200);
    }
  });
});

describe('an Ollama error whose `error` is an object', () => {
  it('reads as its message, not [object Object]', async () => {
    const error = await client.chat.completions.create({ model: 'local/error-object', ...ask }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toContain('model runner has unexpectedly stopped');
    expect((error as Error).message).not.toContain('[object Object]');
  });
});
