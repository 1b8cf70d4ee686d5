// The classifier the router uses, rebuilt whenever an operator changes its settings over /config:
// the keyword scorer alone, or an LLM in front of it (always, or when keywords are unsure).
import type { ChatCompletion, ChatRequest } from '../canonical/chat-types.ts';
import type { CategoryDefinition, Classification, Classifier } from './category.ts';
import { KeywordClassifier, type KeywordClassifierSettings } from './keyword-classifier.ts';
import { LlmClassifier } from './llm-classifier.ts';

export type ClassifierMode = 'keyword' | 'llm' | 'hybrid';

export interface ClassifierSettings {
  mode: ClassifierMode;
  /** The `provider/model` target the LLM modes ask; required for them. */
  model: string | null;
  timeoutMs: number;
  /** Hybrid asks the LLM only when keyword confidence is below this. */
  hybridThreshold: number;
  toolsPolicy: NonNullable<KeywordClassifierSettings['toolsPolicy']>;
  /** Agent boilerplate stripped before scoring (regular expressions); null keeps the shipped defaults. */
  boilerplatePatterns: string[] | null;
}

export const DEFAULT_CLASSIFIER_SETTINGS: ClassifierSettings = {
  mode: 'keyword',
  model: null,
  timeoutMs: 1500,
  hybridThreshold: 0.5,
  toolsPolicy: 'auto',
  boilerplatePatterns: null,
};

/** Calls one target, breaker-guarded, for the LLM classifier. */
export type CompleteWith = (target: string, request: ChatRequest, signal: AbortSignal) => Promise<ChatCompletion>;

export class ConfigurableClassifier implements Classifier {
  readonly #completeWith: CompleteWith;
  #settings: ClassifierSettings = DEFAULT_CLASSIFIER_SETTINGS;
  #current!: Classifier;

  constructor(settings: ClassifierSettings, completeWith: CompleteWith) {
    this.#completeWith = completeWith;
    this.apply(settings);
  }

  get settings(): ClassifierSettings {
    return this.#settings;
  }

  /** Builds the classifier for these settings; throws (leaving the old one in place) when they are unusable. */
  apply(settings: ClassifierSettings): void {
    if (settings.mode !== 'keyword' && !settings.model) throw new Error(`classifier mode "${settings.mode}" needs a model (provider/model)`);
    const keyword = new KeywordClassifier({
      toolsPolicy: settings.toolsPolicy,
      ...(settings.boilerplatePatterns ? { boilerplatePatterns: settings.boilerplatePatterns } : {}),
    });
    const model = settings.model;
    this.#current =
      settings.mode === 'keyword' || !model
        ? keyword
        : new LlmClassifier({
            complete: (request, signal) => this.#completeWith(model, request, signal),
            fallback: keyword,
            mode: settings.mode,
            timeoutMs: settings.timeoutMs,
            hybridThreshold: settings.hybridThreshold,
          });
    this.#settings = settings;
  }

  classify(request: ChatRequest, categories: readonly CategoryDefinition[]): Classification | Promise<Classification> {
    return this.#current.classify(request, categories);
  }
}
