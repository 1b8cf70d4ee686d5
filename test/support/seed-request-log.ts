// Fills a gateway database with a realistic request log (deterministic, spread over 30 days and
// denser towards now, with a daily rhythm), for the dashboard's browser suite and its bench.
import { openDatabase } from '../../service/store/database.ts';
import { RequestLog, type RequestRecord } from '../../service/store/request-log.ts';

export interface SeedOptions {
  count: number;
  now?: number;
  /** Chains by category; the seed's targets and fallbacks follow them. */
  chains: Record<string, string[]>;
  days?: number;
}

const METHODS: Array<[string, number]> = [['keyword', 0.78], ['hybrid', 0.1], ['llm', 0.05], ['forced', 0.05], ['direct', 0.02]];
const AGENTS = ['OpenAI/JS 7.57.0', 'claude-cli/2.1.3 (external, cli)', 'codex_cli_rs/0.80.0', 'python-requests/2.32', 'OpenClaw/1.4'];
const REASONS: Record<string, string[]> = {
  code: ['code:fenced code block', 'code:term "stack trace" ×2', 'code:term "refactor"'],
  reasoning: ['reasoning:term "prove"', 'reasoning:term "step by step"'],
  tools: ['tools:plain function-calling request (tools offered; policy auto)'],
  conversation: ['no category scored: default conversation'],
};

/** A small seeded PRNG (mulberry32), so every run seeds the same log. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seedRequestLog(dbFile: string, options: SeedOptions): { first: number; last: number; ids: string[] } {
  const now = options.now ?? Date.now();
  const span = (options.days ?? 30) * 86_400_000;
  const rnd = random(17);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)];
  const weighted = (list: Array<[string, number]>) => {
    let u = rnd();
    for (const [value, w] of list) if ((u -= w) <= 0) return value;
    return list[0][0];
  };
  const categories = Object.keys(options.chains);
  const db = openDatabase(dbFile);
  const log = new RequestLog(db, { flushDelayMs: 60_000 });
  const records: RequestRecord[] = [];
  for (let i = 0; i < options.count; i++) {
    // Denser towards now (u^1.5), and busier in the working hours than at night.
    let ts = 0;
    do ts = Math.round(now - span * rnd() ** 1.5);
    while (rnd() > 0.35 + 0.65 * Math.sin((Math.PI * ((ts / 3_600_000) % 24)) / 24));
    const category = pick(categories);
    const chain = options.chains[category];
    const method = weighted(METHODS);
    const roll = rnd();
    const outcome = roll < 0.93 ? 'ok' : roll < 0.975 ? 'error' : roll < 0.99 ? 'client_closed' : 'partial';
    const fellBack = outcome === 'ok' && chain.length > 1 && rnd() < 0.06;
    const served = outcome === 'error' ? null : fellBack ? chain[1] : chain[0];
    const latency = Math.round(Math.exp(6.4 + 0.7 * gaussian(rnd)) * (category === 'reasoning' ? 2.5 : 1));
    const attempts: RequestRecord['attempts'] = [];
    if (fellBack || outcome === 'error') attempts.push({ target: chain[0], outcome: pick(['upstream_5xx', 'timeout', 'breaker_open']), ms: Math.round(latency * 0.3), status: 503, error: 'upstream answered 503' });
    if (outcome === 'error' && chain[1]) attempts.push({ target: chain[1], outcome: 'upstream_5xx', ms: Math.round(latency * 0.2), status: 502, error: 'upstream answered 502' });
    if (served) attempts.push({ target: served, outcome: 'ok', ms: latency });
    const prompt = served ? 200 + Math.floor(rnd() * 4000) : null;
    const completion = served ? 20 + Math.floor(rnd() * 900) : null;
    const id = `req_${ts.toString(36)}${i.toString(36).padStart(5, '0')}`;
    records.push({
      id,
      ts,
      category: method === 'direct' ? 'direct' : category,
      classifierMethod: method,
      classification: method === 'forced' || method === 'direct' ? { confidence: 1, reasons: [] } : { confidence: Math.round(rnd() * 100) / 100, reasons: REASONS[category] ?? [] },
      requestedModel: method === 'forced' ? `router/${category}` : method === 'direct' ? chain[0] : 'router',
      target: served,
      status: outcome === 'error' ? 503 : outcome === 'client_closed' ? 499 : 200,
      outcome,
      attempts,
      totalMs: latency + attempts.slice(0, -1).reduce((s, a) => s + a.ms, 0),
      ttfbMs: served ? Math.round(latency * 0.25) : null,
      promptTokens: prompt,
      completionTokens: completion,
      cachedTokens: prompt ? Math.floor(prompt * rnd() * 0.3) : null,
      reasoningTokens: category === 'reasoning' && completion ? Math.floor(completion * 0.6) : 0,
      costUsd: prompt && completion ? Math.round(((prompt * 0.4 + completion * 1.6) / 1e6) * (served?.startsWith('local/') ? 0 : 1) * 1e8) / 1e8 : null,
      costSource: served ? (served.startsWith('local/') ? 'pricing' : 'upstream') : 'none',
      stream: rnd() < 0.6,
      usageEstimated: false,
      userAgent: pick(AGENTS),
      error: outcome === 'error' ? 'every target in the chain failed' : null,
    });
  }
  // In time order, as a running gateway writes them: index inserts append instead of landing at random.
  records.sort((a, b) => a.ts - b.ts);
  for (const record of records) {
    log.add(record);
    if (log.pending >= 5000) log.flush();
  }
  log.close();
  db.close();
  return { first: records[0]?.ts ?? now, last: records.at(-1)?.ts ?? now, ids: records.map((r) => r.id) };
}

function gaussian(rnd: () => number): number {
  return Math.sqrt(-2 * Math.log(rnd() || 1e-9)) * Math.cos(2 * Math.PI * rnd());
}
