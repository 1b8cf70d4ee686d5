// A chain across provider families: Anthropic overloaded (529) → Gemini rate-limited (429) →
// Ollama serves. The client sees one clean answer; the record shows every attempt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type OpenAI from 'openai';
import Database from 'better-sqlite3';
import { startFakeAnthropic, type FakeAnthropic } from './support/fake-anthropic-upstream.ts';
import { startFakeGoogle, type FakeGoogle } from './support/fake-google-upstream.ts';
import { startFakeOllama, type FakeOllama } from './support/fake-ollama-upstream.ts';
import { startGateway, type RunningGateway } from './support/start-gateway.ts';

const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Get the weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

let anthropic: FakeAnthropic;
let google: FakeGoogle;
let ollama: FakeOllama;
let gw: RunningGateway;

beforeAll(async () => {
  [anthropic, google, ollama] = await Promise.all([startFakeAnthropic(), startFakeGoogle(), startFakeOllama()]);
  gw = await startGateway({
    routerConfig: {
      providers: {
        claude: { type: 'anthropic', baseURL: anthropic.url, apiKeyEnv: 'CLAUDE_KEY' },
        gemini: { type: 'google', baseURL: google.url, apiKeyEnv: 'GEMINI_KEY' },
        local: { type: 'ollama', baseURL: ollama.url },
      },
    },
    env: { CLAUDE_KEY: 'k', GEMINI_KEY: 'k' },
    chains: { tools: ['claude/error:529', 'gemini/error:429', 'local/tool'] },
  });
});

afterAll(async () => {
  await gw?.close();
  await Promise.all([anthropic?.close(), google?.close(), ollama?.close()]);
});

describe('a chain across Anthropic, Gemini and Ollama', () => {
  it('serves a streamed tool-call round trip from the third target after the first two fail', async () => {
    const client = gw.client();
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'router/tools', messages, tools: [weatherTool], stream: true, stream_options: { include_usage: true } })
      .withResponse();
    expect(response.headers.get('x-router-model')).toBe('local/tool');
    expect(response.headers.get('x-router-attempts')).toBe('3');

    const call = { id: '', name: '', args: '' };
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const delta of chunk.choices[0]?.delta?.tool_calls ?? []) {
        call.id ||= delta.id ?? '';
        call.name ||= delta.function?.name ?? '';
        call.args += delta.function?.arguments ?? '';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe('tool_calls');
    expect(call.name).toBe('get_weather');
    expect(JSON.parse(call.args)).toEqual({ city: 'Paris' });
    expect(anthropic.calls('error:529')).toBe(1);
    expect(google.calls('error:429')).toBe(1);

    gw.gateway.log.flush();
    const db = new Database(gw.config.dbPath, { readonly: true });
    const row = db.prepare('SELECT * FROM requests WHERE id = ?').get(response.headers.get('x-request-id')) as Record<string, any>;
    db.close();
    expect(row).toMatchObject({ status: 200, outcome: 'ok', target: 'local/tool', category: 'tools', stream: 1, attempt_count: 3 });
    const attempts = JSON.parse(row.attempts);
    expect(attempts.map((a: any) => [a.target, a.outcome, a.status ?? null])).toEqual([
      ['claude/error:529', 'error', 529],
      ['gemini/error:429', 'error', 429],
      ['local/tool', 'ok', null],
    ]);

    // The tool result goes back through the same chain; Gemini is still cooling down from its 429's retry delay.
    messages.push({ role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: { name: call.name, arguments: call.args } }] });
    messages.push({ role: 'tool', tool_call_id: call.id, content: 'sunny' });
    const { data: final, response: finalResponse } = await client.chat.completions.create({ model: 'router/tools', messages, tools: [weatherTool] }).withResponse();
    expect(final.choices[0].message.content).toContain('sunny');
    expect(finalResponse.headers.get('x-router-model')).toBe('local/tool');
    expect(google.calls('error:429')).toBe(1);
  });
});
