// The library API as an application embeds it: a router built from configuration, answering
// in-process down the same path as the HTTP server (classification, chain, failover, request log).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, createRouter, openRouter, RouterRequestError, type Router } from '../service/library.ts';
import { childPath } from './support/agent-cli-providers.ts';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { writeCategories } from './support/gateway-process.ts';

describe('createRouter: the router in-process', () => {
  let dir: string;
  let upstream: FakeUpstream;
  let router: Router;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    dir = mkdtempSync(path.join(tmpdir(), 'router-library-'));
    const chains: Record<string, string[]> = { conversation: ['fake/error:500', 'fake/text:Hello from the library'], code: ['echo/m1'] };
    writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({
        providers: {
          fake: { type: 'openai', baseURL: upstream.baseURL, apiKeyEnv: 'FAKE_KEY' },
          echo: { type: 'cli', command: [process.execPath, path.join(import.meta.dirname, 'support', 'cli-scripts', 'echo-cli.mjs'), '{model}', '{prompt}'], env: { PATH: childPath() } },
        },
      }),
    );
    router = createRouter({
      env: { FAKE_KEY: 'k', ROUTER_CONFIG: path.join(dir, 'config.json'), ROUTER_DB: path.join(dir, 'router.db'), ROUTER_CATEGORIES_DIR: writeCategories(dir, (name) => chains[name]) },
    });
  });

  afterAll(async () => {
    await router?.close();
    await upstream?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('generate answers a prompt through the chain, failing over, and says where the answer came from', async () => {
    const result = await router.generate('hello', { model: 'router/conversation', system: 'Be kind.' });
    expect(result).toMatchObject({ text: 'Hello from the library', target: 'fake/text:Hello from the library', category: 'conversation' });
    expect(result.attempts.map((a) => [a.target, a.outcome])).toEqual([
      ['fake/error:500', 'error'],
      ['fake/text:Hello from the library', 'ok'],
    ]);
    expect(upstream.requests.at(-1)!.body.messages[0]).toEqual({ role: 'system', content: 'Be kind.' });
  });

  it('chatStream streams chunks, here from a CLI provider', async () => {
    const streamed = await router.chatStream({ model: 'router/code', messages: [{ role: 'user', content: 'print it' }] });
    let text = '';
    for await (const chunk of streamed.chunks) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('echo(m1): print it');
    expect(streamed.target).toBe('echo/m1');
  });

  it('chat answers a full request; classify plans one without calling anything', async () => {
    const { completion, target } = await router.chat({ model: 'fake/text:direct', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0].message.content).toBe('direct');
    expect(target).toBe('fake/text:direct');
    const calls = upstream.requests.length;
    const plan = await router.classify('Fix the bug in this Python function: def f(x): return x +');
    expect(plan).toMatchObject({ category: 'code', chain: ['echo/m1'] });
    expect(upstream.requests.length).toBe(calls);
  });

  it('throws RouterRequestError with the status and attempts, and records every request', async () => {
    const error = await router.generate('hi', { model: 'fake/error:503' }).catch((e) => e);
    expect(error).toBeInstanceOf(RouterRequestError);
    expect(error.status).toBe(502);
    expect(error.attempts[0]).toMatchObject({ target: 'fake/error:503', outcome: 'error', status: 503 });
    await expect(router.generate('hi', { model: 'router/nosuch' })).rejects.toMatchObject({ status: 400, code: 'unknown_category' });

    await router.close();
    const db = new Database(path.join(dir, 'router.db'), { readonly: true });
    const rows = db.prepare('SELECT target, outcome FROM requests ORDER BY rowid').all();
    db.close();
    expect(rows).toContainEqual({ target: 'echo/m1', outcome: 'ok' });
    expect(rows.length).toBeGreaterThanOrEqual(4);
  });
});

describe('openRouter: the router once its stores are open', () => {
  it('answers like createRouter, and rejects with ConfigError for a ROUTER_CONFIG declaration the store cannot take, as the server would at start', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'router-library-open-'));
    try {
      writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ categories: { code: { chain: ['nosuch/model'] } } }));
      const env = { ROUTER_DB: path.join(dir, 'router.db'), ROUTER_CATEGORIES_DIR: writeCategories(dir, () => undefined) };
      await expect(openRouter({ env: { ...env, ROUTER_CONFIG: path.join(dir, 'bad.json') } })).rejects.toThrow(ConfigError);
      // createRouter returns at once; the same problem fails its first call.
      const early = createRouter({ env: { ...env, ROUTER_CONFIG: path.join(dir, 'bad.json') } });
      await expect(early.classify('hello')).rejects.toThrow(/categories\.code\.chain/);
      await early.close();

      const router = await openRouter({ env });
      expect((await router.classify('Fix the bug in this Python function')).category).toBe('code');
      await router.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
