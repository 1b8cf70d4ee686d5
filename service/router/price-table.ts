// USD per 1M tokens from pricing/*.json, and the cost of one request from its usage.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Usage } from '../chat-types.ts';

export interface ModelPrice {
  input: number;
  cached_input?: number;
  output: number;
}

export interface PricingFile {
  provider: string;
  source: string;
  updated: string;
  models: Record<string, ModelPrice>;
}

export type CostSource = 'upstream' | 'pricing' | 'unpriced' | 'none';

export interface Cost {
  usd: number | null;
  source: CostSource;
}

export class PriceTable {
  readonly files: PricingFile[];
  readonly #prices = new Map<string, ModelPrice>();

  constructor(files: PricingFile[]) {
    this.files = files;
    for (const file of files) {
      for (const [model, price] of Object.entries(file.models)) this.#prices.set(`${file.provider}/${model}`, price);
    }
  }

  price(target: string): ModelPrice | undefined {
    return this.#prices.get(target);
  }

  /** The upstream's own figure wins (OpenRouter reports it); cached prompt tokens are billed at the cached rate, reasoning as output. */
  cost(target: string, usage: Usage | null | undefined): Cost {
    if (!usage) return { usd: null, source: 'none' };
    if (typeof usage.cost === 'number' && Number.isFinite(usage.cost)) return { usd: usage.cost, source: 'upstream' };
    const price = this.#prices.get(target);
    if (!price) return { usd: null, source: 'unpriced' };
    const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
    const uncached = Math.max(0, usage.prompt_tokens - cached);
    const usd = (uncached * price.input + cached * (price.cached_input ?? price.input) + usage.completion_tokens * price.output) / 1_000_000;
    return { usd: Math.round(usd * 1e10) / 1e10, source: 'pricing' };
  }
}

export function readPricingFiles(dir: string): PricingFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as PricingFile);
}
