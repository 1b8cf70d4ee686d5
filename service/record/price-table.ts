// USD per 1M tokens from pricing/*.json, and the cost of one request from its usage.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Usage } from '../canonical/chat-types.ts';

const rate = z.number().finite().min(0);

const tierSchema = z.object({
  input: rate,
  cached_input: rate.optional(),
  cache_write: rate.optional(),
  output: rate,
});

const modelPriceSchema = tierSchema.extend({
  /** A higher tier for the whole request once its prompt passes the threshold (Gemini 2.5 Pro, Claude Sonnet 4/4.5 with 1M context). */
  long_context: tierSchema.extend({ above_prompt_tokens: z.number().int().positive() }).optional(),
  note: z.string().optional(),
});

const pricingFileSchema = z.object({
  provider: z.string().min(1),
  source: z.string().min(1),
  updated: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'updated is a YYYY-MM-DD date'),
  note: z.string().optional(),
  models: z.record(z.string().min(1), modelPriceSchema),
});

export type ModelPrice = z.infer<typeof modelPriceSchema>;
export type PricingFile = z.infer<typeof pricingFileSchema>;

export type CostSource = 'upstream' | 'pricing' | 'estimated' | 'unpriced' | 'none';

export interface Cost {
  usd: number | null;
  source: CostSource;
}

export interface PriceChange {
  /** `provider/model` */
  model: string;
  old: ModelPrice | null;
  new: ModelPrice | null;
}

/** A dated snapshot (`-2025-04-14`, `-20250929`) or `-latest` is priced as its base model unless listed itself. */
const SNAPSHOT_SUFFIX = /-(?:\d{4}-\d{2}-\d{2}|\d{8}|latest)$/;

export class PriceTable {
  #files: PricingFile[] = [];
  #prices = new Map<string, ModelPrice>();

  constructor(files: PricingFile[]) {
    this.replace(files);
  }

  get files(): readonly PricingFile[] {
    return this.#files;
  }

  /** Swaps the whole table at once (a reload) and says which `provider/model` prices were added, removed or changed. */
  replace(files: PricingFile[]): PriceChange[] {
    const next = new Map<string, ModelPrice>();
    for (const file of files) {
      for (const [model, price] of Object.entries(file.models)) next.set(`${file.provider}/${model}`, price);
    }
    const changes: PriceChange[] = [];
    for (const [model, price] of next) {
      const old = this.#prices.get(model);
      if (!old) changes.push({ model, old: null, new: price });
      else if (JSON.stringify(old) !== JSON.stringify(price)) changes.push({ model, old, new: price });
    }
    for (const [model, price] of this.#prices) if (!next.has(model)) changes.push({ model, old: price, new: null });
    this.#files = files;
    this.#prices = next;
    return changes;
  }

  /**
   * The price of `provider/model`: the exact entry, else the model without its snapshot suffix, else the
   * provider's `*` entry (Ollama: every local model is free). Undefined when unknown: never a guess.
   */
  price(target: string): ModelPrice | undefined {
    const exact = this.#prices.get(target);
    if (exact) return exact;
    const base = target.replace(SNAPSHOT_SUFFIX, '');
    if (base !== target) {
      const found = this.#prices.get(base);
      if (found) return found;
    }
    const slash = target.indexOf('/');
    return slash > 0 ? this.#prices.get(`${target.slice(0, slash)}/*`) : undefined;
  }

  /**
   * The upstream's own figure wins (OpenRouter reports it). Otherwise, per 1M tokens: cached prompt tokens
   * at cached_input, cache writes at cache_write (Anthropic bills them above input), the rest of the prompt
   * at input, and completion tokens (reasoning included, as every upstream counts them) at output.
   */
  cost(target: string, usage: Usage | null | undefined): Cost {
    if (!usage) return { usd: null, source: 'none' };
    if (typeof usage.cost === 'number' && Number.isFinite(usage.cost)) return { usd: usage.cost, source: 'upstream' };
    const price = this.price(target);
    if (!price) return { usd: null, source: 'unpriced' };
    return { usd: usdFor(price, usage), source: 'pricing' };
  }
}

export function usdFor(price: ModelPrice, usage: Usage): number {
  const prompt = count(usage.prompt_tokens);
  const tier = price.long_context && prompt > price.long_context.above_prompt_tokens ? price.long_context : price;
  const details = usage.prompt_tokens_details;
  const cached = Math.min(prompt, count(details?.cached_tokens));
  const written = Math.min(prompt - cached, count(details?.cache_write_tokens));
  const uncached = prompt - cached - written;
  const usd =
    (uncached * tier.input + cached * (tier.cached_input ?? tier.input) + written * (tier.cache_write ?? tier.input) + count(usage.completion_tokens) * tier.output) /
    1_000_000;
  return Math.round(usd * 1e10) / 1e10;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/** Reads and validates every pricing/*.json; throws naming the file and field at fault. */
export function readPricingFiles(dir: string): PricingFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => parsePricingFile(f, readFileSync(path.join(dir, f), 'utf8')));
}

export function parsePricingFile(name: string, text: string): PricingFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`pricing/${name}: ${(error as Error).message}`);
  }
  const parsed = pricingFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`pricing/${name}: ${issue.path.join('.') || '(file)'}: ${issue.message}`);
  }
  return parsed.data;
}
