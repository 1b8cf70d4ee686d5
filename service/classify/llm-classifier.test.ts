import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatCompletion, ChatMessage, ChatRequest } from '../canonical/chat-types.ts';
import { KeywordClassifier } from './keyword-classifier.ts';
import { buildClassifierPrompt, LlmClassifier, parseCategoryAnswer } from './llm-classifier.ts';
import type { LlmClassifierSettings } from './llm-classifier.ts';
import { CATEGORIES } from './testdata/categories.ts';

const user = (content: string): ChatMessage => ({ role: 'user', content });
const req = (text: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'router', messages: [user(text)], ...extra });
const completion = (content: string | null): ChatCompletion => ({
  id: 'c1', object: 'chat.completion', created: 0, model: 'small',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
});
const userText = (r: ChatRequest) => String(r.messages[r.messages.length - 1].content);

/** A fake model that answers by a simple rule and records its calls. */
function fakeModel(answer: (task: string) => string | null, delayMs = 0) {
  const calls: ChatRequest[] = [];
  const complete: LlmClassifierSettings['complete'] = async (r, signal) => {
    calls.push(r);
    if (delayMs) {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, delayMs);
        signal.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason); }, { once: true });
      });
    }
    return completion(answer(userText(r)));
  };
  return { calls, complete };
}
const make = (complete: LlmClassifierSettings['complete'], extra: Partial<LlmClassifierSettings> = {}) =>
  new LlmClassifier({ complete, fallback: new KeywordClassifier(), ...extra });

describe('parseCategoryAnswer', () => {
  const names = ['code', 'reasoning', 'conversation', 'legal-advice'];
  it.each([
    ['code', 'code'], ['  Reasoning.\n', 'reasoning'], ['**conversation**', 'conversation'], ['"code"', 'code'],
    ['`legal-advice`', 'legal-advice'], ['<think>hmm, maths?</think>\nreasoning', 'reasoning'],
  ])('accepts %j', (answer, expected) => expect(parseCategoryAnswer(answer, names)).toBe(expected));
  it.each([['The category is code'], ['code or reasoning'], ['tools'], [''], ['cod'], [null]])('rejects %j', (answer) => {
    expect(parseCategoryAnswer(answer, names)).toBeNull();
  });
});

describe('buildClassifierPrompt', () => {
  it('lists each category with its description, carries the truncated task and asks for one word', () => {
    const p = buildClassifierPrompt('What is 2+2?', '', CATEGORIES.filter((c) => c.name !== 'tools'), 'small');
    expect(p).toMatchObject({ model: 'small', temperature: 0, max_tokens: 8, stream: false });
    const system = String(p.messages[0].content);
    for (const c of CATEGORIES.filter((x) => x.name !== 'tools')) expect(system).toContain(`- ${c.name}: ${c.description}`);
    expect(system).toMatch(/exactly one word/);
    expect(userText(p)).toContain('What is 2+2?');
  });
});

describe('LlmClassifier', () => {
  it('uses a good answer (method llm) and caches it by task text', async () => {
    const model = fakeModel(() => 'Reasoning');
    const llm = make(model.complete);
    const r = await llm.classify(req('Is it worth visiting Lisbon in winter?'), CATEGORIES);
    expect(r).toMatchObject({ category: 'reasoning', method: 'llm', confidence: 0.9 });
    expect(r.reasons?.[0]).toMatch(/llm answer: reasoning \(keyword said conversation\)/);
    const again = await llm.classify(req('Is it worth visiting Lisbon in winter?'), CATEGORIES);
    expect(again.reasons?.[0]).toMatch(/cached/);
    expect(model.calls).toHaveLength(1);
  });

  it('falls back to the keyword result on a garbage answer', async () => {
    const llm = make(fakeModel(() => 'I think this is probably about code!').complete);
    const r = await llm.classify(req('Write a SQL query that counts users.'), CATEGORIES);
    expect(r).toMatchObject({ category: 'code', method: 'keyword' });
    expect(r.reasons?.at(-1)).toMatch(/llm answer unusable/);
    expect(llm.cachedEntries).toBe(0);
  });

  it('falls back to the keyword result when the model is too slow, aborting the call', async () => {
    let aborted = false;
    const model = fakeModel(() => 'conversation', 5_000);
    const llm = make(async (r, signal) => {
      signal.addEventListener('abort', () => { aborted = true; });
      return model.complete(r, signal);
    }, { timeoutMs: 50 });
    const t0 = Date.now();
    const r = await llm.classify(req('Write a SQL query that counts users.'), CATEGORIES);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(r).toMatchObject({ category: 'code', method: 'keyword' });
    expect(r.reasons?.at(-1)).toMatch(/llm timed out after 50 ms/);
    expect(aborted).toBe(true);
  });

  it('falls back on an upstream error', async () => {
    const llm = make(async () => { throw new Error('503 upstream unavailable'); });
    const r = await llm.classify(req('Prove that the square root of 2 is irrational.'), CATEGORIES);
    expect(r).toMatchObject({ category: 'reasoning', method: 'keyword' });
    expect(r.reasons?.at(-1)).toMatch(/llm error: 503 upstream unavailable/);
  });

  it('hybrid asks only below the confidence threshold', async () => {
    const model = fakeModel(() => 'conversation');
    const llm = make(model.complete, { mode: 'hybrid', hybridThreshold: 0.6 });
    const confident = await llm.classify(req('Write a Python function that reverses a linked list.'), CATEGORIES);
    expect(confident).toMatchObject({ category: 'code', method: 'keyword' });
    expect(model.calls).toHaveLength(0);
    const unsure = await llm.classify(req('Taxi.'), CATEGORIES);
    expect(unsure).toMatchObject({ category: 'conversation', method: 'hybrid' });
    expect(model.calls).toHaveLength(1);
  });

  it('leaves tools to the tools policy and never offers tools to the model', async () => {
    const model = fakeModel(() => 'tools');
    const llm = make(model.complete);
    const loop = await llm.classify({ model: 'm', tools: [{ type: 'function', function: { name: 'f' } }], messages: [user('hi'), { role: 'tool', tool_call_id: 'x', content: '1' }] }, CATEGORIES);
    expect(loop).toMatchObject({ category: 'tools', method: 'keyword' });
    expect(model.calls).toHaveLength(0);
    const r = await llm.classify(req('hello there'), CATEGORIES);
    expect(r.method).toBe('keyword'); // "tools" is not a candidate: unusable answer
    expect(String(model.calls[0].messages[0].content)).not.toMatch(/- tools:/);
  });

  it('shares one call between concurrent identical requests and bounds the cache', async () => {
    const model = fakeModel(() => 'code', 20);
    const llm = make(model.complete, { cacheSize: 2 });
    await Promise.all([1, 2, 3].map(() => llm.classify(req('same task'), CATEGORIES)));
    expect(model.calls).toHaveLength(1);
    for (const t of ['a one', 'b two', 'c three']) await llm.classify(req(t), CATEGORIES);
    expect(llm.cachedEntries).toBe(2);
  });

  it('validates its settings', () => {
    expect(() => new LlmClassifier({ fallback: new KeywordClassifier() } as unknown as LlmClassifierSettings)).toThrow(/complete/);
    expect(() => make(async () => completion('x'), { mode: 'always' as never })).toThrow(/mode/);
  });
});

describe('LlmClassifier through the openai SDK against a local HTTP fake', () => {
  const seen: Array<Record<string, unknown>> = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (c) => { body += c; });
    request.on('end', () => {
      const json = JSON.parse(body) as { messages: Array<{ content: string }> } & Record<string, unknown>;
      seen.push({ url: request.url, auth: request.headers.authorization, ...json });
      const task = json.messages[json.messages.length - 1].content;
      const answer = /prime|function/i.test(task) ? 'code' : /how many|\d+ \w+ \d+/i.test(task) ? 'Reasoning.' : 'conversation';
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({
        id: 'chatcmpl-1', object: 'chat.completion', created: 1_700_000_000, model: json.model,
        choices: [{ index: 0, message: { role: 'assistant', content: answer, refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 120, completion_tokens: 1, total_tokens: 121 },
      }));
    });
  });
  let client: OpenAI;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new OpenAI({ baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, apiKey: 'test-key', maxRetries: 0 });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('classifies with chat.completions.create as the complete function', async () => {
    const complete: LlmClassifierSettings['complete'] = async (r, signal) =>
      (await client.chat.completions.create({ ...(r as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming), stream: false }, { signal })) as unknown as ChatCompletion;
    const llm = new LlmClassifier({ complete, fallback: new KeywordClassifier(), model: 'small-classifier' });
    const r = await llm.classify(req('Is 91 a prime number? Write a function to check.'), CATEGORIES);
    expect(r).toMatchObject({ category: 'code', method: 'llm' });
    const wordProblem = await llm.classify(req('Sam has 3 boxes of 12 pens. How many pens?'), CATEGORIES);
    expect(wordProblem.category).toBe('reasoning');
    expect(seen[0]).toMatchObject({ url: '/v1/chat/completions', auth: 'Bearer test-key', model: 'small-classifier', temperature: 0, max_tokens: 8 });
  });
});
