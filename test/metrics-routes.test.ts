// GET /metrics end to end: the JSON summary from SQLite (whole log and ?window=), breaker events,
// and the Prometheus text, read back with a real Prometheus text-format parser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { fakeKeys, fakeProviders, startGateway, type RunningGateway } from './support/start-gateway.ts';

let upstream: FakeUpstream;
let gw: RunningGateway;
const KEY = 'metrics-admin';

const admin = (path: string, headers: Record<string, string> = {}) => fetch(`${gw.url}${path}`, { headers: { authorization: `Bearer ${KEY}`, ...headers } });

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  gw = await startGateway({
    routerConfig: fakeProviders({ primary: upstream.baseURL }),
    env: { ...fakeKeys(['primary']), ROUTER_ADMIN_KEY: KEY },
    chains: { conversation: ['primary/error:503', 'primary/text'] },
    pricing: { primary: { text: { input: 2, cached_input: 0.5, output: 10 } } },
  });
  const client = gw.client();
  const hi = [{ role: 'user' as const, content: 'hello' }];
  // Five failures of the first target open its breaker (volumeThreshold 5); each request falls back to primary/text.
  for (let i = 0; i < 5; i++) await client.chat.completions.create({ model: 'router/conversation', messages: hi });
  const stream = await client.chat.completions.create({ model: 'router/conversation', messages: hi, stream: true, stream_options: { include_usage: true } });
  for await (const _ of stream);
  await client.chat.completions.create({ model: 'primary/error:400', messages: hi }).catch(() => undefined);
  await client.chat.completions.create({ model: 'primary/unpriced-text', messages: hi });
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

describe('GET /metrics (JSON)', () => {
  it('needs the admin key', async () => {
    expect((await fetch(`${gw.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${gw.url}/metrics?format=prometheus`)).status).toBe(401);
  });

  it("answers the older router's shape and the per-target and per-category figures", async () => {
    const res = await admin('/metrics');
    expect(res.headers.get('content-type')).toContain('application/json');
    const m = await res.json();
    expect(m.requests).toEqual({ total: 8, success: 7, failed: 1, client_closed: 0 });
    expect(m.avg_latency_ms).toBeGreaterThan(0);
    // Six answers from primary/text at 12 prompt + 5 completion tokens, $2 and $10 per 1M.
    const perAnswer = (12 * 2 + 5 * 10) / 1e6;
    expect(m.total_cost_usd).toBeCloseTo(6 * perAnswer, 9);
    expect(m.cost).toEqual({ by_source: { pricing: expect.closeTo(6 * perAnswer, 9) }, unpriced_requests: 1, estimated_requests: 0 });
    expect(m.total_tokens).toEqual({ prompt: 7 * 12, completion: 7 * 5, cached: 0, reasoning: 0 });
    expect(m.model_distribution).toEqual({ 'primary/text': 6, 'primary/unpriced-text': 1 });
    expect(m.category_distribution).toEqual({ conversation: 6, direct: 2 });
    expect(m.provider_distribution).toEqual({ primary: 7 });
    expect(m.categories.conversation).toEqual({ calls: 6, cost_usd: expect.closeTo(6 * perAnswer, 6) });

    const text = m.targets['primary/text'];
    expect(text).toMatchObject({ calls: 6, success_rate: 1, prompt_tokens: 72, completion_tokens: 30, cached_tokens: 0, reasoning_tokens: 0, breaker_state: 'closed' });
    expect(text.p50_latency_ms).toBeGreaterThan(0);
    expect(text.p95_latency_ms).toBeGreaterThanOrEqual(text.p50_latency_ms);
    expect(text.avg_ttfb_ms).toBeGreaterThan(0);
    expect(text.cost_usd).toBeCloseTo(6 * perAnswer, 6);

    expect(m.circuit_breaker['primary/error:503']).toMatchObject({ state: 'open', failures: 5 });
    expect(m.breaker_events[0]).toMatchObject({ target: 'primary/error:503', state: 'open', timestamp: expect.any(String) });

    expect(m.recent_requests).toHaveLength(8);
    const unpriced = m.recent_requests.find((r: any) => r.target === 'primary/unpriced-text');
    expect(unpriced).toMatchObject({ cost_usd: null, cost_source: 'unpriced', usage_estimated: false });
    const fallback = m.recent_requests.find((r: any) => r.stream === true);
    expect(fallback.attempts.map((a: any) => a.outcome)).toEqual(['breaker_open', 'ok']);
  });

  it('computes ?window= from SQLite, leaving out older rows', async () => {
    // Written through the log, as every row is: the log keeps the roll-ups /metrics sums.
    gw.gateway.log.add({
      id: 'old-row', ts: Date.now() - 2 * 3_600_000, category: 'code', classifierMethod: null, requestedModel: null, target: 'primary/text', status: 200, outcome: 'ok',
      attempts: [], totalMs: 900, ttfbMs: null, promptTokens: 1000, completionTokens: 100, cachedTokens: null, reasoningTokens: null, costUsd: 0.5, costSource: 'pricing',
      stream: false, usageEstimated: false, userAgent: null, error: null,
    });
    gw.gateway.log.flush();

    const all = await (await admin('/metrics')).json();
    expect(all.requests.total).toBe(9);
    expect(all.categories.code).toEqual({ calls: 1, cost_usd: 0.5 });

    const hour = await (await admin('/metrics?window=1h')).json();
    expect(hour.window_ms).toBe(3_600_000);
    expect(hour.requests.total).toBe(8);
    expect(hour.categories.code).toBeUndefined();
    expect(hour.recent_requests.map((r: any) => r.id)).not.toContain('old-row');

    const bad = await admin('/metrics?window=yesterday');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({ param: 'window', code: 'invalid_value' });
  });
});

describe('GET /metrics (Prometheus)', () => {
  let lastText = '';
  async function scrape(path: string, headers: Record<string, string> = {}): Promise<PrometheusFamily[]> {
    const res = await admin(path, headers);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    lastText = await res.text();
    // The parser throws on any line that is not valid exposition format.
    return parsePrometheusTextFormat(lastText);
  }

  /**
   * parse-prometheus-text-format folds a labelled histogram's series into one and drops their
   * _count/_sum, so the per-series figures are read from the parsed text's own sample lines.
   */
  const seriesValue = (name: string, labels: Record<string, string>) => {
    const line = lastText.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };

  const family = (families: PrometheusFamily[], name: string) => {
    const found = families.find((f) => f.name === name);
    if (!found) throw new Error(`no metric family ${name}`);
    return found;
  };
  const sample = (f: PrometheusFamily, labels: Record<string, string>) => f.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));

  it('is served for ?format=prometheus, for Accept: text/plain, and for what Prometheus itself sends', async () => {
    await scrape('/metrics?format=prometheus');
    await scrape('/metrics', { accept: 'text/plain' });
    await scrape('/metrics', { accept: 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1' });
    for (const accept of ['*/*', 'application/json, text/plain, */*', 'text/html,application/xhtml+xml,*/*;q=0.8']) {
      const res = await admin('/metrics', { accept });
      expect(res.headers.get('content-type'), accept).toContain('application/json');
    }
    expect((await admin('/metrics?format=xml')).status).toBe(400);
  });

  it('counts requests by category, target and status, with latency, time to first byte, tokens, cost and breaker state', async () => {
    const families = await scrape('/metrics?format=prometheus');

    const requests = family(families, 'llm_router_requests_total');
    expect(requests.type).toBe('COUNTER');
    expect(Number(sample(requests, { category: 'conversation', target: 'primary/text', status: '200' })?.value)).toBe(6);
    expect(Number(sample(requests, { category: 'direct', target: 'none', status: '400' })?.value)).toBe(1);

    const latency = family(families, 'llm_router_request_duration_seconds');
    expect(latency.type).toBe('HISTOGRAM');
    expect(Object.keys(latency.metrics[0].buckets!)).toContain('+Inf');
    const series = { category: 'conversation', target: 'primary/text' };
    expect(seriesValue('llm_router_request_duration_seconds_count', series)).toBe(6);
    expect(seriesValue('llm_router_request_duration_seconds_bucket', { ...series, le: '+Inf' })).toBe(6);
    expect(seriesValue('llm_router_request_duration_seconds_sum', series)).toBeGreaterThan(0);

    expect(family(families, 'llm_router_time_to_first_byte_seconds').type).toBe('HISTOGRAM');
    expect(seriesValue('llm_router_time_to_first_byte_seconds_count', series)).toBe(6);

    const tokens = family(families, 'llm_router_tokens_total');
    expect(Number(sample(tokens, { target: 'primary/text', kind: 'prompt' })?.value)).toBe(72);
    expect(Number(sample(tokens, { target: 'primary/text', kind: 'completion' })?.value)).toBe(30);
    family(families, 'llm_router_cached_prompt_tokens_total');
    family(families, 'llm_router_reasoning_tokens_total');

    const cost = family(families, 'llm_router_cost_usd_total');
    expect(Number(sample(cost, { target: 'primary/text', source: 'pricing' })?.value)).toBeCloseTo((6 * (12 * 2 + 5 * 10)) / 1e6, 9);
    expect(Number(sample(family(families, 'llm_router_unpriced_requests_total'), { target: 'primary/unpriced-text' })?.value)).toBe(1);

    const attempts = family(families, 'llm_router_attempts_total');
    expect(Number(sample(attempts, { target: 'primary/error:503', outcome: 'breaker_open' })?.value)).toBeGreaterThanOrEqual(1);

    const breaker = family(families, 'llm_router_breaker_state');
    expect(breaker.type).toBe('GAUGE');
    expect(Number(sample(breaker, { target: 'primary/error:503', state: 'open' })?.value)).toBe(1);
    expect(Number(sample(breaker, { target: 'primary/error:503', state: 'closed' })?.value)).toBe(0);
    expect(Number(sample(breaker, { target: 'primary/text', state: 'closed' })?.value)).toBe(1);
    // Chain targets never called are listed too, as closed.
    expect(Number(sample(breaker, { target: 'openrouter/qwen/qwen3-coder', state: 'closed' })?.value)).toBe(1);

    // Node's process metrics come along.
    family(families, 'process_cpu_user_seconds_total');
  });
});
