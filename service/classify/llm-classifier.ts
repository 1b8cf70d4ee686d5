// LLM classifier for ROUTER_CLASSIFIER=llm|hybrid. A small model is asked for one category name,
// given each category's name and description and the (truncated) task text the keyword classifier
// extracted. The keyword classifier is always run first and is the fallback:
//   - `tools` stays a tools-policy decision (the LLM sees the task, not the tools), so a keyword
//     result of `tools` is returned as is and the LLM chooses among the other categories;
//   - mode 'hybrid' asks the LLM only when the keyword confidence is below hybridThreshold;
//   - a timeout, an error or an answer that is not exactly one known category name (case,
//     punctuation and whitespace tolerated; a leading <think>…</think> block ignored) returns the
//     keyword result, method 'keyword', with a reason saying why.
// Answers are cached by a hash of the task text (and the category set) in a bounded LRU; concurrent
// identical requests share one call.
import { createHash } from 'node:crypto';
import type { ChatCompletion, ChatRequest } from '../canonical/chat-types.ts';
import type { CategoryDefinition, Classification, Classifier } from './category.ts';
import type { KeywordClassifier } from './keyword-classifier.ts';

export type LlmClassifierMode = 'llm' | 'hybrid';

export interface LlmClassifierSettings {
  /** Sends the classification prompt upstream; the router wires it to a provider. */
  complete: (request: ChatRequest, signal: AbortSignal) => Promise<ChatCompletion>;
  /** Runs first; its result is returned whenever the LLM is not asked or fails. */
  fallback: KeywordClassifier;
  mode?: LlmClassifierMode;
  /** Default 1500 ms; the call is aborted at the deadline. */
  timeoutMs?: number;
  /** Hybrid: the LLM is asked when keyword confidence < this. Default 0.5. */
  hybridThreshold?: number;
  /** LRU entries; 0 disables the cache. Default 1000. */
  cacheSize?: number;
  /** Model name put in the prompt request (the complete function may override it). Default 'classifier'. */
  model?: string;
  /** Task text characters sent; earlier-turn context characters sent. Defaults 2000 and 500. */
  maxTaskChars?: number;
  maxContextChars?: number;
}

/** Longest category description put in the prompt (guards against runaway operator descriptions). */
const MAX_DESCRIPTION_CHARS = 600;

/** Confidence reported for an LLM decision (the answer carries no probability). */
export const LLM_CONFIDENCE = 0.9;

interface CachedAnswer {
  category: string;
}

const THINK_RE = /^\s*<think>[\s\S]*?<\/think>/i;
const EDGE_PUNCT_RE = /^[\s"'`*_.,:;!?()[\]{}<>]+|[\s"'`*_.,:;!?()[\]{}<>]+$/g;

/** The category named by an answer, or null: exactly one known name, case/punctuation/whitespace tolerated. */
export function parseCategoryAnswer(answer: string | null | undefined, names: readonly string[]): string | null {
  if (typeof answer !== 'string') return null;
  const text = answer.replace(THINK_RE, '').replace(EDGE_PUNCT_RE, '').toLowerCase();
  if (!text) return null;
  return names.find((n) => n.toLowerCase() === text) ?? null;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** The chat request that asks the model for one category name. */
export function buildClassifierPrompt(
  task: string, context: string, categories: readonly CategoryDefinition[], model = 'classifier',
): ChatRequest {
  const list = categories.map((c) => `- ${c.name}: ${truncate(c.description.replace(/\s+/g, ' ').trim(), MAX_DESCRIPTION_CHARS)}`).join('\n');
  const names = categories.map((c) => c.name).join(', ');
  const system =
    'You classify requests sent to an AI assistant. Decide which category the user\'s final request belongs to.\n\n' +
    `Categories:\n${list}\n\n` +
    'The system prompt and the words used do not decide: the task the user asks for does. ' +
    `Answer with exactly one word, the category name (${names}), and nothing else.`;
  const user = context
    ? `Earlier turns, for context:\n"""\n${context}\n"""\n\nFinal request:\n"""\n${task}\n"""`
    : `Request:\n"""\n${task}\n"""`;
  return {
    model,
    messages: [{ role: 'system', content: system }, { role: 'user', content: user }],
    temperature: 0,
    max_tokens: 8,
    stream: false,
  };
}

class TimeoutError extends Error {}

export class LlmClassifier implements Classifier {
  readonly mode: LlmClassifierMode;
  readonly timeoutMs: number;
  readonly hybridThreshold: number;
  readonly cacheSize: number;
  private readonly settings: LlmClassifierSettings;
  private readonly cache = new Map<string, CachedAnswer>();
  private readonly inFlight = new Map<string, Promise<string | null>>();
  private readonly signatures = new WeakMap<readonly CategoryDefinition[], string>();

  constructor(settings: LlmClassifierSettings) {
    if (typeof settings.complete !== 'function') throw new Error('LlmClassifier needs a complete function');
    if (!settings.fallback) throw new Error('LlmClassifier needs a fallback KeywordClassifier');
    this.settings = settings;
    this.mode = settings.mode ?? 'llm';
    if (this.mode !== 'llm' && this.mode !== 'hybrid') throw new Error(`mode must be 'llm' or 'hybrid', got ${String(this.mode)}`);
    this.timeoutMs = settings.timeoutMs ?? 1500;
    this.hybridThreshold = settings.hybridThreshold ?? 0.5;
    this.cacheSize = Math.max(0, Math.floor(settings.cacheSize ?? 1000));
  }

  get cachedEntries(): number {
    return this.cache.size;
  }

  async classify(request: ChatRequest, categories: readonly CategoryDefinition[]): Promise<Classification> {
    const kw = this.settings.fallback.classify(request, categories);
    const keep = (reason: string): Classification => ({ ...kw, reasons: [...(kw.reasons ?? []), reason] });
    if (kw.category === 'tools') return keep('llm not asked: tools is decided by the tools policy');
    if (this.mode === 'hybrid' && kw.confidence >= this.hybridThreshold) {
      return keep(`llm not asked: keyword confidence ${kw.confidence} ≥ ${this.hybridThreshold}`);
    }
    const candidates = categories.filter((c) => c.name !== 'tools');
    if (candidates.length < 2) return keep('llm not asked: fewer than two task categories');
    const text = this.settings.fallback.taskText(request);
    if (!text.task) return keep('llm not asked: no task text');

    const task = truncate(text.task, this.settings.maxTaskChars ?? 2000);
    const context = text.history.slice(-(this.settings.maxContextChars ?? 500));
    const key = this.key(categories, task, context);
    const method = this.mode === 'hybrid' ? 'hybrid' : 'llm';
    const cached = this.cacheGet(key);
    if (cached) return this.decided(kw, cached.category, method, 'llm answer (cached)');

    let answer: string | null;
    try {
      answer = await this.ask(key, task, context, candidates);
    } catch (error) {
      const why = error instanceof TimeoutError ? `llm timed out after ${this.timeoutMs} ms` : `llm error: ${(error as Error)?.message ?? String(error)}`;
      return keep(`${why}; keyword result kept`);
    }
    const names = candidates.map((c) => c.name);
    const category = parseCategoryAnswer(answer, names);
    if (!category) return keep(`llm answer unusable (${JSON.stringify(truncate(answer ?? '', 40))}); keyword result kept`);
    this.cacheSet(key, { category });
    return this.decided(kw, category, method, 'llm answer');
  }

  private decided(kw: Classification, category: string, method: 'llm' | 'hybrid', reason: string): Classification {
    const agree = category === kw.category ? ' (keyword agrees)' : ` (keyword said ${kw.category})`;
    return { category, method, confidence: LLM_CONFIDENCE, scores: kw.scores, reasons: [`${reason}: ${category}${agree}`, ...(kw.reasons ?? [])] };
  }

  private ask(key: string, task: string, context: string, candidates: readonly CategoryDefinition[]): Promise<string | null> {
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const promise = this.call(task, context, candidates).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  private async call(task: string, context: string, candidates: readonly CategoryDefinition[]): Promise<string | null> {
    const prompt = buildClassifierPrompt(task, context, candidates, this.settings.model);
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort(new TimeoutError('timeout'));
        reject(new TimeoutError('timeout'));
      }, this.timeoutMs);
    });
    try {
      const completion = await Promise.race([this.settings.complete(prompt, controller.signal), deadline]);
      const content = completion?.choices?.[0]?.message?.content;
      return typeof content === 'string' ? content : null;
    } finally {
      clearTimeout(timer);
    }
  }

  private key(categories: readonly CategoryDefinition[], task: string, context: string): string {
    let signature = this.signatures.get(categories);
    if (signature === undefined) {
      signature = categories.map((c) => `${c.name}\u0001${c.description}`).join('\u0002');
      this.signatures.set(categories, signature);
    }
    return createHash('sha256').update(signature).update('\u0000').update(context).update('\u0000').update(task).digest('base64url');
  }

  private cacheGet(key: string): CachedAnswer | undefined {
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
    }
    return hit;
  }

  private cacheSet(key: string, value: CachedAnswer): void {
    if (this.cacheSize === 0) return;
    this.cache.delete(key);
    this.cache.set(key, value);
    while (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
  }
}
