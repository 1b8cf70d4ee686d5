// The recorded Anthropic answers replayed through /v1/messages: an Anthropic SDK client gets the
// upstream's bytes unchanged (pass-through both ways: the recorded request reaches the upstream
// as sent, but for the target's model). Answers that cannot be delivered as they are (an error
// before any content, an error status) fail over to the next target or come back in Anthropic's
// error shape.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai-upstream.ts';
import { startReplayServer, type ReplayServer } from '../support/fixture-replay-server.ts';
import { fixturesPresent, responseFixtures, skipNote, type ResponseFixture } from '../support/shared-fixtures.ts';
import { startGateway, type RunningGateway } from '../support/start-gateway.ts';

skipNote('anthropic messages replay');

const PROVIDER = 'fxanthropic';

describe.skipIf(!fixturesPresent)('recorded Anthropic answers through /v1/messages', () => {
  const fixtures = responseFixtures('anthropic');
  let replay: ReplayServer;
  let backup: FakeUpstream;
  let gw: RunningGateway;
  let client: Anthropic;

  beforeAll(async () => {
    replay = await startReplayServer(fixtures, (url) => url === '/v1/messages', (_url, body) => body.model);
    backup = await startFakeOpenAI();
    gw = await startGateway({
      routerConfig: {
        providers: {
          [PROVIDER]: { type: 'anthropic', baseURL: replay.url, apiKeyEnv: 'FX_ANTHROPIC_KEY' },
          backup: { type: 'openai', baseURL: backup.baseURL },
        },
      },
      env: { FX_ANTHROPIC_KEY: 'sk-ant-fixture' },
    });
    client = new Anthropic({ baseURL: gw.url, apiKey: 'client', maxRetries: 0 });
  });

  afterAll(async () => {
    await gw?.close();
    await backup?.close();
    await replay?.close();
  });

  it('finds the recorded answers', () => {
    expect(fixtures.filter((f) => f.status === 200).length).toBeGreaterThanOrEqual(8);
  });

  async function setChain(models: string[]) {
    const res = await fetch(`${gw.url}/config/model-mapping`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ category: 'conversation', models }) });
    expect(res.status).toBe(200);
  }

  function requestFor(fixture: ResponseFixture): Record<string, any> {
    const recorded = fixture.request ?? { max_tokens: 256, messages: [{ role: 'user', content: 'Say hello' }] };
    return { ...recorded, model: 'router/conversation', stream: fixture.stream };
  }

  const delivered = fixtures.filter((f) => f.status === 200 && !f.name.startsWith('stream-error'));
  for (const fixture of delivered) {
    it(`anthropic/${fixture.file} arrives byte for byte`, async () => {
      await setChain([`${PROVIDER}/${fixture.name}`, 'backup/text']);
      const body = requestFor(fixture);
      const raw = await client.messages.create(body as Anthropic.MessageCreateParams).asResponse();
      expect(raw.status).toBe(200);
      expect(raw.headers.get('x-router-model')).toBe(`${PROVIDER}/${fixture.name}`);
      expect(Buffer.from(await raw.arrayBuffer()).equals(fixture.body)).toBe(true);
      // And the request went upstream as the client wrote it, but for the target's model.
      const sent = replay.requests.at(-1)!;
      expect(sent.body).toEqual({ ...body, model: fixture.name });
    });
  }

  it('fails over from a stream that opens with an overloaded error', async () => {
    await setChain([`${PROVIDER}/stream-error-overloaded`, 'backup/text:Backup answer']);
    const final = await client.messages.stream({ model: 'router/conversation', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'Backup answer' }]);
  });

  for (const fixture of fixtures.filter((f) => f.status !== 200)) {
    it(`anthropic/${fixture.file}: ${fixture.status === 400 ? "the client's mistake comes back in Anthropic's shape" : 'fails over'}`, async () => {
      await setChain([`${PROVIDER}/${fixture.name}`, 'backup/text:Backup answer']);
      const outcome = await client.messages.create({ model: 'router/conversation', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      if (fixture.status === 400) {
        expect(outcome).toBeInstanceOf(Anthropic.BadRequestError);
        const recorded = JSON.parse(fixture.body.toString('utf8'));
        expect((outcome as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: recorded.error.type } });
        expect((outcome as Error).message).toContain(recorded.error.message);
      } else {
        expect((outcome as Anthropic.Message).content).toEqual([{ type: 'text', text: 'Backup answer' }]);
      }
    });
  }
});
