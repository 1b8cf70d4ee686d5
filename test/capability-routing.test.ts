// Routing by what targets can do: a context-length error moves on only to larger windows where
// known; requests with tools or images prefer targets that take them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { startGateway, type RunningGateway } from './support/start-gateway.ts';

let upstream: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  gw = await startGateway({ routerConfig: { providers: { fake: { type: 'openai', baseURL: upstream.baseURL } } } });
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

async function setChain(category: string, models: string[]) {
  const res = await fetch(`${gw.url}/config/model-mapping`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ category, models }) });
  expect(res.status).toBe(200);
}

function attemptsOf(id: string | null): any[] {
  gw.gateway.log.flush();
  const db = new Database(gw.config.dbPath, { readonly: true });
  const row = db.prepare('SELECT attempts FROM requests WHERE id = ?').get(id) as { attempts: string };
  db.close();
  return JSON.parse(row.attempts);
}

describe('capability-aware routing', () => {
  it('after a context-length error, skips targets whose window is not larger and tries one that is', async () => {
    await setChain('conversation', ['fake/gpt-4o@context-length', 'fake/gpt-4o-mini@text:small window', 'fake/claude-sonnet-4-5@text:larger window']);
    const { data, response } = await gw.client().chat.completions.create({ model: 'router/conversation', messages: [{ role: 'user', content: 'a very long document…' }] }).withResponse();
    expect(data.choices[0].message.content).toBe('larger window');
    expect(upstream.calls('gpt-4o-mini@text:small window')).toBe(0);
    const attempts = attemptsOf(response.headers.get('x-request-id'));
    expect(attempts.map((a) => a.outcome)).toEqual(['error', 'skipped', 'ok']);
    expect(attempts[1].error).toContain('not larger than');
  });

  it('moves on to every target when the failing target’s window is unknown', async () => {
    await setChain('conversation', ['fake/unknown-model@context-length', 'fake/gpt-4o-mini@text:tried']);
    const data = await gw.client().chat.completions.create({ model: 'router/conversation', messages: [{ role: 'user', content: 'long' }] });
    expect(data.choices[0].message.content).toBe('tried');
  });

  it('keeps only image-capable targets for a request with an image, when there is one', async () => {
    await setChain('conversation', ['fake/deepseek/deepseek-r1@text:blind', 'fake/gpt-4o@text:sees']);
    const data = await gw.client().chat.completions.create({
      model: 'router/conversation',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }],
    });
    expect(data.choices[0].message.content).toBe('sees');
    expect(upstream.calls('deepseek/deepseek-r1@text:blind')).toBe(0);
  });
});
