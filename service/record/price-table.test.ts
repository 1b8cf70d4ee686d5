import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PriceTable, parsePricingFile, readPricingFiles, type PricingFile } from './price-table.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

const table = () =>
  new PriceTable([
    {
      provider: 'p',
      source: 'test',
      updated: '2026-11-22',
      models: {
        plain: { input: 2, output: 10 },
        cached: { input: 2, cached_input: 0.5, cache_write: 2.5, output: 10 },
        long: { input: 1, cached_input: 0.1, output: 10, long_context: { above_prompt_tokens: 1000, input: 2, cached_input: 0.2, output: 15 } },
        'gpt-4o': { input: 2.5, output: 10 },
        'gpt-4o-2024-05-13': { input: 5, output: 15 },
      },
    },
    { provider: 'local', source: 'test', updated: '2026-11-22', models: { '*': { input: 0, output: 0 } } },
  ]);

describe('PriceTable.cost', () => {
  it('prices prompt and completion per 1M tokens', () => {
    expect(table().cost('p/plain', { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 })).toEqual({ usd: (1000 * 2 + 100 * 10) / 1e6, source: 'pricing' });
  });

  it('bills cached prompt tokens at the cached rate and cache writes at the write rate', () => {
    const usage = { prompt_tokens: 1000, completion_tokens: 10, total_tokens: 1010, prompt_tokens_details: { cached_tokens: 600, cache_write_tokens: 300 } };
    expect(table().cost('p/cached', usage).usd).toBeCloseTo((100 * 2 + 600 * 0.5 + 300 * 2.5 + 10 * 10) / 1e6, 12);
    // A model without a cached rate bills cached tokens at the input rate (never below what was charged).
    expect(table().cost('p/plain', usage).usd).toBeCloseTo((1000 * 2 + 10 * 10) / 1e6, 12);
  });

  it('bills reasoning tokens as output: they are inside completion_tokens, not added again', () => {
    const usage = { prompt_tokens: 7, completion_tokens: 87, total_tokens: 94, completion_tokens_details: { reasoning_tokens: 64 } };
    expect(table().cost('p/plain', usage).usd).toBeCloseTo((7 * 2 + 87 * 10) / 1e6, 12);
  });

  it("uses the upstream's own figure when it reports one, even zero", () => {
    expect(table().cost('p/plain', { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20, cost: 0.001875 })).toEqual({ usd: 0.001875, source: 'upstream' });
    expect(table().cost('nosuch/model', { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20, cost: 0 })).toEqual({ usd: 0, source: 'upstream' });
  });

  it('answers null for an unknown model and for a missing usage, never a guess', () => {
    expect(table().cost('p/unknown', { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 })).toEqual({ usd: null, source: 'unpriced' });
    expect(table().cost('p/plain', null)).toEqual({ usd: null, source: 'none' });
  });

  it('bills the whole request at the long-context tier once the prompt passes its threshold', () => {
    expect(table().cost('p/long', { prompt_tokens: 1000, completion_tokens: 10, total_tokens: 1010 }).usd).toBeCloseTo((1000 * 1 + 10 * 10) / 1e6, 12);
    const long = { prompt_tokens: 1001, completion_tokens: 10, total_tokens: 1011, prompt_tokens_details: { cached_tokens: 1 } };
    expect(table().cost('p/long', long).usd).toBeCloseTo((1000 * 2 + 1 * 0.2 + 10 * 15) / 1e6, 12);
  });

  it('prices a dated snapshot as its base model unless the snapshot is listed itself', () => {
    const t = table();
    expect(t.price('p/gpt-4o-2024-08-06')).toEqual({ input: 2.5, output: 10 });
    expect(t.price('p/gpt-4o-20240806')).toEqual({ input: 2.5, output: 10 });
    expect(t.price('p/gpt-4o-latest')).toEqual({ input: 2.5, output: 10 });
    expect(t.price('p/gpt-4o-2024-05-13')).toEqual({ input: 5, output: 15 });
    expect(t.price('p/gpt-4o-mini')).toBeUndefined();
  });

  it("uses a provider's * entry for any model it does not list", () => {
    expect(table().cost('local/anything:7b', { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 })).toEqual({ usd: 0, source: 'pricing' });
  });
});

describe('PriceTable.replace', () => {
  it('swaps the table and says what was added, removed and changed', () => {
    const t = table();
    const next: PricingFile[] = [{ provider: 'p', source: 'test', updated: '2026-11-23', models: { plain: { input: 3, output: 10 }, fresh: { input: 1, output: 1 } } }];
    const changes = t.replace(next);
    const byModel = Object.fromEntries(changes.map((c) => [c.model, c]));
    expect(byModel['p/plain']).toEqual({ model: 'p/plain', old: { input: 2, output: 10 }, new: { input: 3, output: 10 } });
    expect(byModel['p/fresh'].old).toBeNull();
    expect(byModel['p/cached'].new).toBeNull();
    expect(t.price('p/cached')).toBeUndefined();
    expect(t.files).toBe(next);
  });
});

describe('pricing files', () => {
  it('rejects a file with a bad rate or date, naming the field', () => {
    expect(() => parsePricingFile('x.json', '{"provider":"x","source":"s","updated":"2026-11-22","models":{"m":{"input":-1,"output":1}}}')).toThrow(/pricing\/x.json: models.m.input/);
    expect(() => parsePricingFile('x.json', '{"provider":"x","source":"s","updated":"soon","models":{}}')).toThrow(/updated/);
    expect(() => parsePricingFile('x.json', '{nope')).toThrow(/pricing\/x.json/);
  });

  it('prices every target of every shipped category chain, and each file says where its figures come from', () => {
    const files = readPricingFiles(path.join(ROOT, 'pricing'));
    for (const file of files) {
      expect(file.source).toMatch(/^https:\/\//);
      expect(file.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    const prices = new PriceTable(files);
    const dir = path.join(ROOT, 'categories');
    const targets = readdirSync(dir).flatMap((f) => (JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { chain: string[] }).chain);
    expect(targets.length).toBeGreaterThan(8);
    expect(targets.filter((t) => !prices.price(t))).toEqual([]);
  });

  it('keeps cached input below input and every rate in a sane range', () => {
    for (const file of readPricingFiles(path.join(ROOT, 'pricing'))) {
      for (const [model, price] of Object.entries(file.models)) {
        const where = `${file.provider}/${model}`;
        if (price.cached_input !== undefined) expect(price.cached_input, where).toBeLessThanOrEqual(price.input);
        if (price.cache_write !== undefined) expect(price.cache_write, where).toBeGreaterThanOrEqual(price.input);
        expect(price.output, where).toBeGreaterThanOrEqual(price.input);
        expect(price.output, where).toBeLessThan(1000);
      }
    }
  });
});
