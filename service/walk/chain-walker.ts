// Walks a chain of targets, each behind its breaker, until one answers.
import type { ChatCompletion, ChatCompletionChunk, ChatRequest } from '../canonical/chat-types.ts';
import type { ChatProvider } from '../providers/chat-provider.ts';
import { ProviderError, type ProviderErrorKind } from '../providers/provider-error.ts';
import type { ProviderRegistry } from '../providers/provider-registry.ts';
import { BreakerRegistry, isOpenBreakerError } from './breaker-registry.ts';
import { decideOnFailure, isContextLengthError } from './failure-policy.ts';
import type { Target } from '../plan/target.ts';
import { openFirstContent, type OpenedStream } from './stream-head.ts';
import { isEmptyCompletion } from './empty-completion.ts';
import { Deadline } from './deadline.ts';
import { guardChunk, guardCompletion, InvalidAnswer, StreamErrorEvent } from './answer-guard.ts';

export type AttemptOutcome = 'ok' | 'error' | 'skipped' | 'breaker_open' | 'cooling_down';

export interface Attempt {
  target: string;
  outcome: AttemptOutcome;
  ms: number;
  status?: number;
  /** For an error: how the attempt failed (per-target error counts in /metrics). */
  kind?: ProviderErrorKind;
  error?: string;
  /** The upstream's extra error detail (e.g. OpenRouter metadata), kept for the record. */
  detail?: unknown;
}

export interface WalkSuccess<T> {
  target: Target;
  value: T;
  attempts: Attempt[];
}

/** Why no target answered: a request error, every call failing, or nothing callable at all. */
export class ChainFailure extends Error {
  readonly attempts: Attempt[];
  readonly reason: 'request_error' | 'all_failed' | 'nothing_callable' | 'aborted';
  readonly lastError: ProviderError | undefined;

  constructor(reason: ChainFailure['reason'], attempts: Attempt[], lastError?: ProviderError) {
    super(describe(reason, attempts));
    this.name = 'ChainFailure';
    this.reason = reason;
    this.attempts = attempts;
    this.lastError = lastError;
  }
}

export interface WalkOptions {
  attemptTimeoutMs: number;
}

export class ChainWalker {
  readonly #providers: ProviderRegistry;
  readonly #breakers: BreakerRegistry;
  readonly #options: WalkOptions;

  constructor(providers: ProviderRegistry, breakers: BreakerRegistry, options: WalkOptions) {
    this.#providers = providers;
    this.#breakers = breakers;
    this.#options = options;
  }

  complete(targets: Target[], request: ChatRequest, signal: AbortSignal): Promise<WalkSuccess<ChatCompletion>> {
    return this.#walk(targets, signal, completeCall(request));
  }

  /**
   * Resolves once a target has produced its first content-bearing chunk; failures before that move on.
   * The target's breaker keeps watching until the stream ends, so a failure mid-stream counts too.
   */
  stream(targets: Target[], request: ChatRequest, signal: AbortSignal): Promise<WalkSuccess<OpenedStream>> {
    return this.#walk(targets, signal, streamCall(request), true);
  }

  /**
   * A walk whose call is chosen per target: a dialect that speaks some targets' own wire format
   * (Anthropic Messages, passed through) calls those directly and the rest with completeCall/streamCall.
   * Breakers, deadlines and failover are the same as for any walk.
   */
  walkWith<T>(targets: Target[], signal: AbortSignal, call: TargetCall<T>, keepSignalAfterSuccess: boolean): Promise<WalkSuccess<T>> {
    return this.#walk(targets, signal, call, keepSignalAfterSuccess);
  }

  /**
   * Runs one call through the target's breaker. The walker gets the value as soon as it exists;
   * the breaker's action stays pending until `done` settles (a stream's end), which is what it
   * records as the call's success or failure.
   */
  #attempt<T>(target: string, run: () => Promise<Started<T>>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let started = false;
      this.#breakers
        .fire(target, async () => {
          const { value, done } = await run();
          started = true;
          resolve(value);
          await done;
        })
        // After the value was handed on, a failure is the stream writer's to report; the breaker has counted it.
        .catch((error: unknown) => (started ? undefined : reject(error)));
    });
  }

  async #walk<T>(
    targets: Target[],
    signal: AbortSignal,
    call: TargetCall<T>,
    keepSignalAfterSuccess = false,
  ): Promise<WalkSuccess<T>> {
    const attempts: Attempt[] = [];
    let lastError: ProviderError | undefined;
    /** Set by a context-length error at a target whose window is known: smaller windows are not worth a call. */
    let windowTooSmall: { tokens: number; at: string } | undefined;
    for (const target of targets) {
      if (signal.aborted) throw new ChainFailure('aborted', attempts, lastError);
      if (windowTooSmall) {
        const window = this.#providers.capabilities(target.provider, target.model).contextWindow;
        if (window !== undefined && window <= windowTooSmall.tokens) {
          attempts.push({ target: target.id, outcome: 'skipped', ms: 0, error: `context window ${window} is not larger than ${windowTooSmall.at}'s ${windowTooSmall.tokens}, which was exceeded` });
          continue;
        }
      }
      const entry = this.#providers.get(target.provider);
      if (!entry?.adapter) {
        const hint = entry?.config.envHint.join(' or ');
        attempts.push({ target: target.id, outcome: 'skipped', ms: 0, error: entry ? `provider "${target.provider}" not configured${hint ? ` (set ${hint})` : ''}` : `unknown provider "${target.provider}"` });
        continue;
      }
      const coolUntil = this.#breakers.coolingUntil(target.id);
      if (coolUntil !== undefined) {
        attempts.push({ target: target.id, outcome: 'cooling_down', ms: 0, error: `rate limited; retry after ${new Date(coolUntil).toISOString()}` });
        continue;
      }
      if (this.#breakers.isOpen(target.id)) {
        attempts.push({ target: target.id, outcome: 'breaker_open', ms: 0, error: 'circuit breaker open' });
        continue;
      }
      const adapter = entry.adapter;
      const deadline = new Deadline(signal, this.#options.attemptTimeoutMs, target.provider);
      const started = performance.now();
      try {
        const value = await this.#attempt(target.id, () => call(adapter, target, deadline.signal));
        attempts.push({ target: target.id, outcome: 'ok', ms: elapsed(started) });
        // A stream keeps reading after this returns: its deadline is the request's from here on.
        if (keepSignalAfterSuccess) deadline.stopTimer();
        else deadline.release();
        return { target, value, attempts };
      } catch (error) {
        deadline.release();
        if (isOpenBreakerError(error)) {
          attempts.push({ target: target.id, outcome: 'breaker_open', ms: 0, error: 'circuit breaker open' });
          continue;
        }
        // Anything but a ProviderError is the gateway's own fault, not the target's: it ends the walk
        // (the route answers 500) and the breaker does not count it.
        if (!(error instanceof ProviderError)) throw error;
        const failure = error;
        lastError = failure;
        attempts.push({ target: target.id, outcome: 'error', ms: elapsed(started), status: failure.status, kind: failure.kind, error: failure.message, detail: failure.metadata });
        if (failure.status === 429 && failure.retryAfterMs) this.#breakers.coolDown(target.id, failure.retryAfterMs);
        if (isContextLengthError(failure)) {
          const window = this.#providers.capabilities(target.provider, target.model).contextWindow;
          if (window !== undefined && window > (windowTooSmall?.tokens ?? 0)) windowTooSmall = { tokens: window, at: target.id };
        }
        if (failure.kind === 'aborted') throw new ChainFailure('aborted', attempts, failure);
        if (decideOnFailure(failure) === 'stop') throw new ChainFailure('request_error', attempts, failure);
      }
    }
    const called = attempts.some((a) => a.outcome === 'error');
    throw new ChainFailure(called ? 'all_failed' : 'nothing_callable', attempts, lastError);
  }
}

/** A call's value, and when the work behind it is over (a stream's end; at once for a completion). */
export interface Started<T> {
  value: T;
  done: Promise<void>;
}

export type TargetCall<T> = (adapter: ChatProvider, target: Target, signal: AbortSignal) => Promise<Started<T>>;

export const DONE = Promise.resolve();

/** One target's plain completion, checked: a refused shape or an empty answer is that target's fault. */
export function completeCall(request: ChatRequest): TargetCall<ChatCompletion> {
  return async (adapter, target, signal) => {
    const completion = checked(target.provider, await adapter.complete({ model: target.model, request, signal }), guardCompletion);
    if (isEmptyCompletion(completion)) {
      throw new ProviderError({ provider: target.provider, kind: 'invalid-response', message: 'upstream returned an empty completion' });
    }
    return { value: completion, done: DONE };
  };
}

/** One target's stream, held until its first content and watched to its end. */
export function streamCall(request: ChatRequest): TargetCall<OpenedStream> {
  return async (adapter, target, signal) => {
    const chunks = await adapter.stream({ model: target.model, request, signal });
    return settleOnEnd(await openFirstContent(checkedChunks(target.provider, chunks), target.provider));
  };
}

/** Runs the answer guard over what an adapter returned; a shape it refuses is that upstream's fault. */
function checked<T>(provider: string, value: unknown, guard: (value: unknown) => T): T {
  try {
    return guard(value);
  } catch (error) {
    throw answerFault(provider, error);
  }
}

async function* checkedChunks(provider: string, chunks: AsyncIterable<ChatCompletionChunk>): AsyncGenerator<ChatCompletionChunk> {
  for await (const chunk of chunks) yield checked(provider, chunk, guardChunk);
}

function answerFault(provider: string, error: unknown): unknown {
  if (error instanceof StreamErrorEvent) {
    const e = error.error;
    return new ProviderError({
      provider,
      kind: 'stream',
      retryable: true,
      message: error.message,
      type: typeof e.type === 'string' ? e.type : undefined,
      code: typeof e.code === 'string' || typeof e.code === 'number' ? e.code : undefined,
      metadata: e.metadata,
    });
  }
  if (error instanceof InvalidAnswer) return new ProviderError({ provider, kind: 'invalid-response', message: error.message });
  return error;
}

/** Wraps a stream's remainder so `done` settles when it ends: resolved on completion or early close, rejected on a failure. */
function settleOnEnd(opened: OpenedStream): Started<OpenedStream> {
  const { rest, done } = watchEnd(opened.rest);
  return { value: { head: opened.head, rest }, done };
}

/** Wraps any iterator so `done` settles when it ends: resolved on completion or early close, rejected on a failure. */
export function watchEnd<T>(rest: AsyncIterator<T>): { rest: AsyncIterator<T>; done: Promise<void> } {
  let settle!: (error?: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  const watched: AsyncIterator<T> = {
    async next() {
      try {
        const next = await rest.next();
        if (next.done) settle();
        return next;
      } catch (error) {
        settle(error ?? new Error('stream failed'));
        throw error;
      }
    },
    async return(value?: unknown) {
      settle();
      return rest.return ? rest.return(value) : { done: true, value: undefined };
    },
  };
  return { rest: watched, done };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

function describe(reason: ChainFailure['reason'], attempts: Attempt[]): string {
  const list = attempts.map((a) => `${a.target}: ${a.outcome}${a.status ? ` ${a.status}` : ''}${a.error ? ` (${a.error})` : ''}`).join('; ');
  switch (reason) {
    case 'request_error':
      return `the upstream rejected the request: ${list}`;
    case 'aborted':
      return 'the client closed the request';
    case 'nothing_callable':
      return `no target could be called: ${list || 'the chain is empty'}`;
    default:
      return `all targets failed: ${list}`;
  }
}
