// Recorded OpenAI answers (text, tool calls, parallel tool calls, reasoning usage, refusals),
// replayed from a local server, reach an Anthropic SDK client through /v1/messages as valid
// Anthropic messages and streams: the SDK's own accumulator gives the text, the tool_use blocks,
// the stop reason and the usage the recording holds.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReplayServer, type ReplayServer } from '../support/fixture-replay-server.ts';
import { readOpenAIJson, readOpenAISse, type WireAnswer } from '../support/openai-wire.ts';
import { fixturesPresent, responseFixtures, skipNote } from '../support/shared-fixtures.ts';
import { startGateway, type RunningGateway } from '../support/start-gateway.ts';

skipNote('openai answers as anthropic');

const STOP: Record<string, string> = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use', content_filter: 'refusal' };

describe.skipIf(!fixturesPresent)('recorded OpenAI answers through /v1/messages', () => {
  const fixtures = responseFixtures('openai').filter((f) => f.status === 200 && !f.name.includes('error'));
  let replay: ReplayServer;
  let gw: RunningGateway;
  let client: Anthropic;

  beforeAll(async () => {
    replay = await startReplayServer(fixtures, (url) => url === '/v1/chat/completions', (_url, body) => body.model);
    gw = await startGateway({ routerConfig: { providers: { fxopenai: { type: 'openai', baseURL: `${replay.url}/v1` } } } });
    client = new Anthropic({ baseURL: gw.url, apiKey: 'client', maxRetries: 0 });
  });

  afterAll(async () => {
    await gw?.close();
    await replay?.close();
  });

  it('finds the recorded answers', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(8);
  });

  for (const fixture of fixtures) {
    it(`openai/${fixture.file}`, async () => {
      const expected: WireAnswer = fixture.stream ? readOpenAISse(fixture.body.toString('utf8')) : readOpenAIJson(JSON.parse(fixture.body.toString('utf8')));
      const body = { model: `fxopenai/${fixture.name}`, max_tokens: 256, messages: [{ role: 'user' as const, content: 'Go' }] };
      const message = fixture.stream ? await client.messages.stream(body).finalMessage() : await client.messages.create(body);
      const text = message.content.filter((b) => b.type === 'text').map((b) => (b as Anthropic.TextBlock).text).join('');
      expect(text).toBe(expected.text + expected.refusal);
      const tools = message.content.filter((b) => b.type === 'tool_use').map((b) => ({ name: (b as Anthropic.ToolUseBlock).name, args: (b as Anthropic.ToolUseBlock).input }));
      expect(tools).toEqual(expected.toolCalls);
      expect(message.stop_reason).toBe(STOP[expected.finish ?? 'stop']);
      if (expected.usage) {
        const cached = (expected.usage.prompt_tokens_details as { cached_tokens?: number } | undefined)?.cached_tokens ?? 0;
        expect(message.usage).toMatchObject({ input_tokens: expected.usage.prompt_tokens - cached, output_tokens: expected.usage.completion_tokens, cache_read_input_tokens: cached });
      }
    });
  }
});
