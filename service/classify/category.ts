// Categories and the classifier contract. A category is a named task kind with the terms
// that signal it and the fallback chain of `provider/model` targets that serves it.
import type { ChatRequest } from '../canonical/chat-types.ts';

/** A weighted signal: a word/phrase matched at word boundaries, or a regular expression. */
export interface KeywordRule {
  term?: string;
  pattern?: string;
  weight: number;
}

export interface CategoryDefinition {
  name: string;
  description: string;
  /** Plain strings count with weight 1. */
  keywords: Array<string | KeywordRule>;
  chain: string[];
  /** The response cache for this category (see docs/CACHE.md): on with this TTL, or off with ttlSeconds 0. */
  cache?: { ttlSeconds: number; toolLoops?: boolean };
}

export const BUILT_IN_CATEGORIES = ['tools', 'code', 'reasoning', 'conversation'] as const;

export type ClassifierMethod = 'keyword' | 'llm' | 'hybrid' | 'forced' | 'direct';

export interface Classification {
  category: string;
  method: ClassifierMethod;
  /** 0..1; how far the winner stood above the runner-up. */
  confidence: number;
  scores?: Record<string, number>;
  /** The terms and signals that decided, for /v1/classify and the request log. */
  reasons?: string[];
}

export interface Classifier {
  classify(request: ChatRequest, categories: readonly CategoryDefinition[]): Classification | Promise<Classification>;
}
