// Follows one client request from arrival to its last byte and turns it into a log row.
import type { ChatCompletion, ChatCompletionChunk, ChatRequest, Usage } from '../canonical/chat-types.ts';
import type { RequestLogWriter } from '../store/request-log-contract.ts';
import type { Attempt } from '../walk/chain-walker.ts';
import type { Classification } from '../classify/category.ts';
import type { PriceTable } from './price-table.ts';
import { chunkOutputChars, completionOutputChars, estimateUsage } from './usage-estimate.ts';
import type { ToolLoopAffinity } from '../plan/tool-loop-affinity.ts';
import type { InFlightRequests } from './in-flight-requests.ts';

export interface TrackerInit {
  id: string;
  requestedModel: string | null;
  stream: boolean;
  userAgent: string | null;
}

export interface Finish {
  status: number;
  outcome: 'ok' | 'error' | 'client_closed' | 'partial';
  target?: string | null;
  attempts?: Attempt[];
  usage?: Usage | null;
  /** A non-streamed answer, read only when it reported no usage. */
  completion?: ChatCompletion;
  error?: string | null;
}

export class RequestTracker {
  readonly id: string;
  readonly #log: RequestLogWriter;
  readonly #prices: Pick<PriceTable, 'cost'>;
  readonly #init: TrackerInit;
  readonly #started = performance.now();
  readonly #ts = Date.now();
  #ttfb: number | null = null;
  #classification: Classification | null = null;
  #done = false;
  #request: ChatRequest | undefined;
  #outputChars = 0;
  #toolCallIds: string[] = [];
  /** What the response cache did (HIT, MISS, BYPASS, REFRESH); null when it was not involved. */
  #cache: string | null = null;
  readonly #affinity: ToolLoopAffinity | undefined;

  readonly #inFlight: InFlightRequests | undefined;

  constructor(log: RequestLogWriter, prices: Pick<PriceTable, 'cost'>, init: TrackerInit, affinity?: ToolLoopAffinity, inFlight?: InFlightRequests) {
    this.id = init.id;
    this.#log = log;
    this.#prices = prices;
    this.#init = init;
    this.#affinity = affinity;
    this.#inFlight = inFlight;
    inFlight?.started();
  }

  /** Filled in once the body is read; a request rejected before that is still recorded. */
  describe(request: ChatRequest, requestedModel = request.model): void {
    this.#request = request;
    this.#init.requestedModel = requestedModel;
    this.#init.stream = request.stream === true;
  }

  /** Counts a streamed chunk's output, for the estimate when the stream ends without usage. */
  countOutput(chunk: ChatCompletionChunk): void {
    this.#outputChars += chunkOutputChars(chunk);
    for (const choice of chunk.choices) {
      for (const call of choice.delta?.tool_calls ?? []) if (call.id) this.#toolCallIds.push(call.id);
    }
  }

  /** Tokens estimated from the text so far, for an answer whose upstream reported no usage. */
  estimate(): Usage {
    return estimateUsage(this.#request, this.#outputChars);
  }

  /** A hit costs nothing: it is recorded with cost 0 and what the answer would have cost (cost_saved_usd). */
  cacheStatus(status: string): void {
    this.#cache = status;
  }

  classified(classification: Classification): void {
    this.#classification = classification;
  }

  firstByte(): void {
    this.#ttfb ??= performance.now() - this.#started;
  }

  /** Records the request once; later calls are ignored (a stream may end and be closed in the same tick). */
  finish(f: Finish): void {
    if (this.#done) return;
    this.#done = true;
    try {
      this.#record(f);
    } finally {
      this.#inFlight?.finished();
    }
  }

  #record(f: Finish): void {
    const target = f.target ?? null;
    // A stream the client left still cost what the upstream generated until then.
    const answered = target !== null && f.outcome !== 'error';
    if (f.completion) for (const choice of f.completion.choices ?? []) for (const call of choice.message?.tool_calls ?? []) this.#toolCallIds.push(call.id);
    // The tool loop this answer starts continues at the same target (see tool-loop-affinity.ts).
    if (target && f.outcome === 'ok' && this.#toolCallIds.length > 0) this.#affinity?.remember(this.#toolCallIds, target);
    const estimated = answered && !f.usage;
    const usage = estimated ? estimateUsage(this.#request, f.completion ? completionOutputChars(f.completion) : this.#outputChars) : (f.usage ?? null);
    const priced = target ? this.#prices.cost(target, usage) : { usd: null, source: 'none' as const };
    const cost = estimated && priced.source === 'pricing' ? { usd: priced.usd, source: 'estimated' as const } : priced;
    // A hit spent no tokens: none are counted, and its cost is what it saved.
    const hit = this.#cache === 'HIT' && answered;
    this.#log.add({
      id: this.id,
      ts: this.#ts,
      category: this.#classification?.category ?? null,
      classifierMethod: this.#classification?.method ?? null,
      requestedModel: this.#init.requestedModel,
      target,
      status: f.status,
      outcome: f.outcome,
      attempts: f.attempts ?? [],
      totalMs: round(performance.now() - this.#started),
      ttfbMs: this.#ttfb === null ? null : round(this.#ttfb),
      promptTokens: hit ? null : (usage?.prompt_tokens ?? null),
      completionTokens: hit ? null : (usage?.completion_tokens ?? null),
      cachedTokens: hit ? null : (usage?.prompt_tokens_details?.cached_tokens ?? null),
      reasoningTokens: hit ? null : (usage?.completion_tokens_details?.reasoning_tokens ?? null),
      costUsd: hit ? 0 : cost.usd,
      costSource: hit ? 'cache' : cost.source,
      stream: this.#init.stream,
      userAgent: this.#init.userAgent,
      usageEstimated: hit ? false : estimated,
      error: f.error ?? null,
      classification: this.#classification ? { confidence: this.#classification.confidence, reasons: this.#classification.reasons } : null,
      cache: this.#cache,
      costSavedUsd: hit ? cost.usd : null,
    });
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
