// Golden costs: every recorded response in ../shared/fixtures that carries a usage block is
// replayed through the gateway (each provider family through its own adapter), and the cost the
// gateway records is compared with a figure worked out by hand from that usage block and the
// provider's published prices in pricing/. OpenRouter's own usage.cost wins when present; a model
// with no price is recorded as null, never a guess; a response without usage is estimated and flagged.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { PriceTable, readPricingFiles, type ModelPrice } from '../service/record/price-table.ts';
import { fixturesPresent, responseFixtures, skipNote, type ResponseFixture } from './support/shared-fixtures.ts';
import { startGateway, type RunningGateway } from './support/start-gateway.ts';

skipNote('cost goldens');

interface Golden {
  /** `<folder>/<file>` under ../shared/fixtures */
  fixture: string;
  /** The pricing/ entry the response's model resolves to, or null when no file prices it. */
  pricedAs: string | null;
  usd: number | null;
  source: 'pricing' | 'upstream' | 'unpriced' | 'estimated';
  /** Recorded prompt / completion tokens (completion includes reasoning, thinking and Gemini thoughts). */
  tokens: [number, number];
  cached?: number;
  estimated?: boolean;
}

/** Each figure: tokens × USD per 1M tokens ÷ 1e6, written out so it can be checked by hand against the provider's page. */
const M = 1e6;
const GOLDENS: Golden[] = [
  // OpenAI: dated snapshots priced as their base model.
  { fixture: 'openai/chat-text.json', pricedAs: 'openai/gpt-4.1-nano', usd: (16 * 0.1 + 363 * 0.4) / M, source: 'pricing', tokens: [16, 363] },
  { fixture: 'openai/chat-tool-call.json', pricedAs: 'openai/gpt-4.1-mini', usd: (50 * 0.4 + 15 * 1.6) / M, source: 'pricing', tokens: [50, 15] },
  { fixture: 'openai/chat-parallel-tool-calls.json', pricedAs: 'openai/gpt-4o', usd: (71 * 2.5 + 46 * 10) / M, source: 'pricing', tokens: [71, 46] },
  // 87 completion tokens of which 64 reasoning: all billed as output, none twice.
  { fixture: 'openai/chat-reasoning-tokens.json', pricedAs: 'openai/o3-mini', usd: (7 * 1.1 + 87 * 4.4) / M, source: 'pricing', tokens: [7, 87] },
  { fixture: 'openai/chat-text-ratelimit-headers.json', pricedAs: 'openai/gpt-5.1', usd: (33 * 1.25 + 10 * 10) / M, source: 'pricing', tokens: [33, 10] },
  // 4012 of 4020 prompt tokens cached, but gpt-5.6-sol is in no price list: null, not a guess.
  { fixture: 'openai/chat-cached-tokens.json', pricedAs: null, usd: null, source: 'unpriced', tokens: [4020, 4], cached: 4012 },
  { fixture: 'openai/chat-stream-text-usage.sse', pricedAs: 'openai/gpt-4o-mini', usd: (78 * 0.15 + 9 * 0.6) / M, source: 'pricing', tokens: [78, 9] },
  { fixture: 'openai/chat-stream-tool-call.sse', pricedAs: 'openai/gpt-4o', usd: (423 * 2.5 + 15 * 10) / M, source: 'pricing', tokens: [423, 15] },
  { fixture: 'openai/chat-stream-parallel-tool-calls.sse', pricedAs: 'openai/gpt-4o', usd: (364 * 2.5 + 40 * 10) / M, source: 'pricing', tokens: [364, 40] },
  { fixture: 'openai/chat-stream-refusal-logprobs.sse', pricedAs: 'openai/gpt-4o', usd: (17 * 2.5 + 13 * 10) / M, source: 'pricing', tokens: [17, 13] },

  // OpenRouter: its own usage.cost wins; the list price only for a response that has none.
  { fixture: 'openrouter/chat-usage-cost.json', pricedAs: 'openrouter/anthropic/claude-sonnet-4.5', usd: 0.001875, source: 'upstream', tokens: [550, 15] },
  { fixture: 'openrouter/chat-stream-reasoning.sse', pricedAs: 'openrouter/anthropic/claude-sonnet-4.5', usd: 0.000669, source: 'upstream', tokens: [43, 36] },
  { fixture: 'openrouter/chat-stream-text-usage.sse', pricedAs: null, usd: 0, source: 'upstream', tokens: [612, 2] },
  { fixture: 'openrouter/chat-tool-calls.json', pricedAs: 'openrouter/mistralai/mistral-small', usd: (134 * 0.2 + 43 * 0.6) / M, source: 'pricing', tokens: [134, 43] },

  // Anthropic: prompt = input + cache reads + cache writes; reads at 0.1×, writes at 1.25× input.
  { fixture: 'anthropic/messages-cache-usage.json', pricedAs: 'anthropic/claude-sonnet-4-5', usd: (3 * 3 + 1111 * 0.3 + 418 * 3.75 + 33 * 15) / M, source: 'pricing', tokens: [3 + 1111 + 418, 33], cached: 1111 },
  { fixture: 'anthropic/messages-text.json', pricedAs: 'anthropic/claude-sonnet-4-5', usd: (12 * 3 + 29 * 15) / M, source: 'pricing', tokens: [12, 29] },
  { fixture: 'anthropic/messages-thinking.json', pricedAs: 'anthropic/claude-sonnet-4-5', usd: (43 * 3 + 321 * 15) / M, source: 'pricing', tokens: [43, 321] },
  { fixture: 'anthropic/messages-tool-use.json', pricedAs: 'anthropic/claude-haiku-4-5', usd: (656 * 1 + 74 * 5) / M, source: 'pricing', tokens: [656, 74] },
  { fixture: 'anthropic/messages-parallel-tool-use.json', pricedAs: 'anthropic/claude-haiku-4-5', usd: (423 * 1 + 202 * 5) / M, source: 'pricing', tokens: [423, 202] },
  { fixture: 'anthropic/messages-stream-text.sse', pricedAs: 'anthropic/claude-haiku-4-5', usd: (770 * 1 + 38 * 5) / M, source: 'pricing', tokens: [770, 38] },
  { fixture: 'anthropic/messages-stream-thinking.sse', pricedAs: 'anthropic/claude-sonnet-4', usd: (43 * 3 + 282 * 15) / M, source: 'pricing', tokens: [43, 282] },
  { fixture: 'anthropic/messages-stream-tool-use.sse', pricedAs: 'anthropic/claude-haiku-4-5', usd: (656 * 1 + 74 * 5) / M, source: 'pricing', tokens: [656, 74] },

  // Gemini: thoughtsTokenCount is billed as output, added to candidatesTokenCount.
  { fixture: 'gemini/generate-text.json', pricedAs: 'google/gemini-2.0-flash', usd: (7 * 0.1 + 22 * 0.4) / M, source: 'pricing', tokens: [7, 22] },
  { fixture: 'gemini/generate-thinking-function-call.json', pricedAs: 'google/gemini-2.5-pro', usd: (38 * 1.25 + (8 + 501) * 10) / M, source: 'pricing', tokens: [38, 8 + 501] },
  { fixture: 'gemini/stream-thought-summary-function-call.sse', pricedAs: 'google/gemini-2.5-flash', usd: (38 * 0.3 + (6 + 168) * 2.5) / M, source: 'pricing', tokens: [38, 6 + 168] },
  // Experimental and unlisted models: no price, recorded as null.
  { fixture: 'gemini/generate-function-call.json', pricedAs: null, usd: null, source: 'unpriced', tokens: [23, 5] },
  { fixture: 'gemini/stream-text.sse', pricedAs: null, usd: null, source: 'unpriced', tokens: [13, 8] },
  { fixture: 'gemini/stream-thinking-signature.sse', pricedAs: null, usd: null, source: 'unpriced', tokens: [18, 1 + 139] },
  { fixture: 'gemini/stream-function-call-thought-signature.sse', pricedAs: null, usd: null, source: 'unpriced', tokens: [148, 16 + 177] },
  // No usageMetadata at all: tokens estimated (about 4 characters each) and the row flagged; no model named, so no price.
  { fixture: 'gemini/generate-parallel-function-calls.json', pricedAs: null, usd: null, source: 'unpriced', tokens: [-1, -1], estimated: true },

  // Ollama: local models cost nothing.
  { fixture: 'ollama/chat.json', pricedAs: 'ollama/*', usd: 0, source: 'pricing', tokens: [26, 298] },
  { fixture: 'ollama/chat-tool-calls.json', pricedAs: 'ollama/*', usd: 0, source: 'pricing', tokens: [169, 18] },
  { fixture: 'ollama/chat-stream.ndjson', pricedAs: 'ollama/*', usd: 0, source: 'pricing', tokens: [16, 22] },
  { fixture: 'ollama/chat-stream-tool-calls.ndjson', pricedAs: 'ollama/*', usd: 0, source: 'pricing', tokens: [169, 15] },
];

/** How each family is served: the fake provider's type, and where its model name sits in the request. */
const FAMILIES = {
  openai: { provider: 'fxopenai', type: 'openai', prefix: '/v1', path: /^\/v1\/chat\/completions$/ },
  openrouter: { provider: 'fxopenrouter', type: 'openai', prefix: '/api/v1', path: /^\/api\/v1\/chat\/completions$/ },
  anthropic: { provider: 'fxanthropic', type: 'anthropic', prefix: '', path: /^\/v1\/messages$/ },
  gemini: { provider: 'fxgoogle', type: 'google', prefix: '', path: /^\/v1beta\/models\/([^:]+):(?:generateContent|streamGenerateContent\?alt=sse)$/ },
  ollama: { provider: 'fxollama', type: 'ollama', prefix: '', path: /^\/api\/chat$/ },
} as const;

type Family = keyof typeof FAMILIES;

/** The real provider whose pricing/ file prices a family's responses. */
const PRICED_BY: Record<Family, string> = { openai: 'openai', openrouter: 'openrouter', anthropic: 'anthropic', gemini: 'google', ollama: 'ollama' };

const ROOT = path.resolve(import.meta.dirname, '..');
const realPrices = new PriceTable(readPricingFiles(path.join(ROOT, 'pricing')));

describe.skipIf(!fixturesPresent)('cost goldens from the recorded usage blocks', () => {
  const fixtures = new Map<string, ResponseFixture & { family: Family; model: string | null }>();
  for (const family of Object.keys(FAMILIES) as Family[]) {
    for (const f of responseFixtures(family)) fixtures.set(`${family}/${f.file}`, { ...f, family, model: responseModel(f) });
  }
  let server: Server;
  let gw: RunningGateway;

  beforeAll(async () => {
    server = await startReplay(fixtures);
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}`;
    const providers = Object.fromEntries(
      Object.entries(FAMILIES).map(([family, f]) => [f.provider, { type: f.type, baseURL: `${url}/${family}${f.prefix}`, apiKeyEnv: 'FX_KEY' }]),
    );
    // Each fixture is a target of its fake provider; it gets the price its recorded model has in pricing/.
    const pricing: Record<string, Record<string, ModelPrice>> = {};
    for (const [key, f] of fixtures) {
      const price = f.model ? realPrices.price(`${PRICED_BY[f.family]}/${f.model}`) : undefined;
      if (price) (pricing[FAMILIES[f.family].provider] ??= {})[nameOf(key)] = price;
    }
    gw = await startGateway({ routerConfig: { providers }, env: { FX_KEY: 'fixture-key' }, pricing: pricing as never });
  });

  afterAll(async () => {
    await gw?.close();
    await new Promise<void>((resolve) => (server ? (server.closeAllConnections(), server.close(() => resolve())) : resolve()));
  });

  it('covers every recorded response that carries usage', () => {
    const withUsage = [...fixtures]
      .filter(([key, f]) => f.status === 200 && !/error|tags/.test(key) && (hasUsage(f) || key === 'gemini/generate-parallel-function-calls.json'))
      .map(([key]) => key)
      .sort();
    expect(GOLDENS.map((g) => g.fixture).sort()).toEqual(withUsage);
  });

  for (const golden of GOLDENS) {
    it(`${golden.fixture}: ${golden.usd === null ? 'null' : `$${golden.usd.toFixed(7)}`} (${golden.source})`, async () => {
      const fixture = fixtures.get(golden.fixture)!;
      // The golden says which published price applies; check the table agrees.
      const resolved = fixture.model ? resolvedEntry(`${PRICED_BY[fixture.family]}/${fixture.model}`) : null;
      if (golden.source !== 'upstream') expect(resolved).toBe(golden.pricedAs);

      const target = `${FAMILIES[fixture.family].provider}/${nameOf(golden.fixture)}`;
      const res = await fetch(`${gw.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: target, messages: [{ role: 'user', content: 'What is the weather in Paris?' }], stream: fixture.stream, ...(fixture.stream ? { stream_options: { include_usage: true } } : {}) }),
      });
      expect(res.status).toBe(200);
      await res.text();
      const row = recorded(res.headers.get('x-request-id')!);
      expect(row.target).toBe(target);
      expect(row.cost_source).toBe(golden.source);
      if (golden.usd === null) expect(row.cost_usd).toBeNull();
      else expect(row.cost_usd).toBeCloseTo(golden.usd, 12);
      expect(row.usage_estimated).toBe(golden.estimated ? 1 : 0);
      if (!golden.estimated) expect([row.prompt_tokens, row.completion_tokens]).toEqual(golden.tokens);
      else expect(row.completion_tokens).toBeGreaterThan(0);
      if (golden.cached !== undefined) expect(row.cached_tokens).toBe(golden.cached);
    });
  }

  function recorded(id: string): Record<string, any> {
    gw.gateway.log.flush();
    const db = new Database(gw.config.dbPath, { readonly: true });
    const row = db.prepare('SELECT * FROM requests WHERE id = ?').get(id) as Record<string, any>;
    db.close();
    return row;
  }
});

/** Which pricing/ key a model resolves to (exact, snapshot → base, or the provider's `*`). */
function resolvedEntry(target: string): string | null {
  const price = realPrices.price(target);
  if (!price) return null;
  const provider = target.slice(0, target.indexOf('/'));
  const file = realPrices.files.find((f) => f.provider === provider)!;
  const model = Object.keys(file.models).find((m) => file.models[m] === price)!;
  return `${provider}/${model}`;
}

function nameOf(key: string): string {
  return key.slice(key.indexOf('/') + 1).replace(/\.(json|sse|ndjson)$/, '');
}

/** The model the recorded response names (model, or Gemini's modelVersion). */
function responseModel(f: ResponseFixture): string | null {
  const match = /"(?:model|modelVersion)"\s*:\s*"([^"]+)"/.exec(f.body.toString('utf8'));
  return match ? match[1] : null;
}

function hasUsage(f: ResponseFixture): boolean {
  return /"usage"|"usageMetadata"|"prompt_eval_count"/.test(f.body.toString('utf8'));
}

/** One server for every family, at `/<family>/<the provider's own path>`; the request's model names the fixture. */
async function startReplay(fixtures: Map<string, ResponseFixture & { family: Family }>): Promise<Server> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    const [, family, ...rest] = (req.url ?? '').split('/');
    const spec = FAMILIES[family as Family];
    const match = spec?.path.exec(`/${rest.join('/')}`);
    const model = match ? (match[1] ? decodeURIComponent(match[1]) : body.model) : undefined;
    const fixture = [...fixtures].find(([key, f]) => f.family === family && nameOf(key) === model)?.[1];
    if (!fixture) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: { message: `no fixture for ${req.url} ${model}` } }));
    }
    res.writeHead(fixture.status, fixture.headers);
    res.end(fixture.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
