// The dialect-neutral middle of every chat request: canonical request in, a routed answer out,
// with the request record travelling alongside. Inbound dialects (chat completions, and later
// Responses and Anthropic Messages) parse their body into a ChatRequest, run it here, and write
// the answer (or the failure) in their own shape.
//
//   canonical request → plan (classify, chain) → answers (the walk; a cache can wrap it) → answer
import { newRequestId } from '../record/request-id.ts';
import type { ChatCompletion, ChatRequest } from '../canonical/chat-types.ts';
import type { ProviderConfig } from '../config/gateway-config.ts';
import { HttpError } from '../http/openai-error.ts';
import { RouteError, type ChatRouter, type RoutePlan } from '../plan/chat-router.ts';
import { ProviderError } from '../providers/provider-error.ts';
import type { RequestTracker } from '../record/request-tracker.ts';
import { ChainFailure, type Attempt, type TargetCall, type WalkSuccess } from '../walk/chain-walker.ts';
import { Deadline } from '../walk/deadline.ts';
import type { OpenedStream } from '../walk/stream-head.ts';
import { chainFailureError } from './chain-failure-error.ts';

/** Where answers come from once a request is planned: the chain walk, or something wrapping it (a cache). */
export interface AnswerSource {
  /** `start` lets a wrapper read the client's Cache-Control and mark the answer (headers, record). */
  complete(plan: RoutePlan, request: ChatRequest, signal: AbortSignal, start?: RequestStart): Promise<WalkSuccess<ChatCompletion>>;
  stream(plan: RoutePlan, request: ChatRequest, signal: AbortSignal, start?: RequestStart): Promise<WalkSuccess<OpenedStream>>;
}

export interface Routed {
  target: string;
  attempts: Attempt[];
  /** Routing headers every dialect sends: x-request-id, x-router-category, x-router-model, x-router-attempts. */
  headers: Record<string, string>;
}

export type PipelineAnswer =
  | (Routed & { kind: 'completion'; completion: ChatCompletion })
  | (Routed & {
      kind: 'stream';
      opened: OpenedStream;
      /** The request's deadline: aborted when the client leaves; released by whoever finishes the stream. */
      deadline: Deadline;
    });

/** A runWith answer: the value the chosen call gave, and the request's deadline (see runWith). */
export type RoutedValue<T> = Routed & { value: T; deadline: Deadline };

export interface PipelineDeps {
  router: ChatRouter;
  /** The walk by default; the response cache wraps it. */
  answers?: AnswerSource;
  providers: () => ProviderConfig[];
  requestTimeoutMs: number;
}

export interface RequestStart {
  id: string;
  tracker: RequestTracker;
  /** Headers for the answer, whatever it turns out to be (x-request-id from the start). */
  headers: Record<string, string>;
  /** The client's Cache-Control request header, for the response cache. */
  cacheControl?: string | null;
  /** The model the client named, when its dialect routes by another (Claude Code's model becomes `router`): what the log shows. */
  requestedModel?: string;
}

export class ChatPipeline {
  readonly #deps: PipelineDeps;
  readonly #answers: AnswerSource;

  constructor(deps: PipelineDeps) {
    this.#deps = deps;
    this.#answers = deps.answers ?? deps.router;
  }

  /** Opens the request's record before anything is read, so every request that reached us is recorded. */
  start(userAgent: string | null, cacheControl?: string | null): RequestStart {
    const id = newRequestId();
    return { id, tracker: this.#deps.router.track({ id, requestedModel: null, stream: false, userAgent }), headers: { 'x-request-id': id }, cacheControl };
  }

  /**
   * Plans and walks one request. A plain answer is recorded here; a stream is recorded by whoever
   * drains it (see recorded-stream.ts). Throws HttpError (with the attempts in `extra`).
   */
  async run(request: ChatRequest, start: RequestStart, clientSignal: AbortSignal): Promise<PipelineAnswer> {
    const { tracker, headers } = start;
    const { plan, deadline } = await this.#begin(request, start, clientSignal);
    try {
      if (request.stream === true) {
        const walked = await this.#walk(() => this.#answers.stream(plan, request, deadline.signal, start), plan, deadline);
        return { kind: 'stream', opened: walked.value, deadline, ...routed(walked, headers) };
      }
      const walked = await this.#walk(() => this.#answers.complete(plan, request, deadline.signal, start), plan, deadline);
      deadline.release();
      tracker.firstByte();
      tracker.finish({ status: 200, outcome: 'ok', target: walked.target.id, attempts: walked.attempts, usage: walked.value.usage, completion: walked.value });
      return { kind: 'completion', completion: walked.value, ...routed(walked, headers) };
    } catch (error) {
      deadline.release();
      throw error;
    }
  }

  /**
   * Plans a request and walks it with a call chosen per target, for a dialect that answers some
   * targets in their own wire format (Anthropic Messages passed through). Nothing is recorded here:
   * the caller finishes the record and releases the deadline however the answer ends.
   */
  async runWith<T>(request: ChatRequest, start: RequestStart, clientSignal: AbortSignal, call: (plan: RoutePlan) => TargetCall<T>, isStream: boolean): Promise<RoutedValue<T>> {
    const { headers } = start;
    const { plan, deadline } = await this.#begin(request, start, clientSignal);
    try {
      const walked = await this.#walk(() => this.#deps.router.walkWith(plan, deadline.signal, call(plan), isStream), plan, deadline);
      if (!isStream) deadline.release();
      return { value: walked.value, deadline, ...routed(walked, headers) };
    } catch (error) {
      deadline.release();
      throw error;
    }
  }

  /** Describes and plans the request in its record, and starts its deadline. */
  async #begin(request: ChatRequest, start: RequestStart, clientSignal: AbortSignal): Promise<{ plan: RoutePlan; deadline: Deadline }> {
    start.tracker.describe(request, start.requestedModel);
    const plan = await this.#plan(request);
    start.tracker.classified(plan.classification);
    start.headers['x-router-category'] = plan.classification.category;
    return { plan, deadline: new Deadline(clientSignal, this.#deps.requestTimeoutMs, 'router') };
  }

  /** Plans a request without walking it (count_tokens asks which targets would answer). */
  plan(request: ChatRequest): Promise<RoutePlan> {
    return this.#plan(request);
  }

  /** Records a request that failed anywhere on its way and returns the error the client is given. */
  fail(error: unknown, start: RequestStart): HttpError {
    const httpError =
      error instanceof HttpError
        ? error
        : error instanceof RouteError
          ? new HttpError(error.status, 'invalid_request_error', error.message, error.param, error.code)
          : new HttpError(500, 'server_error', `internal error: ${(error as Error)?.message ?? String(error)}`, null, 'internal_error');
    const attempts = Array.isArray(httpError.extra.attempts) ? (httpError.extra.attempts as Attempt[]) : [];
    start.tracker.finish({ status: httpError.status, outcome: (httpError.status as number) === 499 ? 'client_closed' : 'error', attempts, error: httpError.message });
    if (httpError.status === 500) console.error('[router] unexpected error', error);
    start.headers['x-router-attempts'] = String(attempts.length);
    Object.assign(start.headers, httpError.headers);
    return httpError;
  }

  #plan(request: ChatRequest): Promise<RoutePlan> {
    return this.#deps.router.plan(request);
  }

  async #walk<T>(run: () => Promise<WalkSuccess<T>>, plan: RoutePlan, deadline: Deadline): Promise<WalkSuccess<T>> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof ChainFailure) {
        // The request deadline aborts with a ProviderError (timeout); a departed client with its own reason.
        const deadlineHit = deadline.signal.reason instanceof ProviderError;
        // A direct provider/model request has no category to speak of.
        const category = plan.classification.method === 'direct' ? null : plan.classification.category;
        throw chainFailureError(error, category, deadlineHit, this.#deps.providers());
      }
      throw error;
    }
  }
}

function routed<T>(walked: WalkSuccess<T>, headers: Record<string, string>): Routed {
  headers['x-router-model'] = walked.target.id;
  headers['x-router-attempts'] = String(walked.attempts.length);
  return { target: walked.target.id, attempts: walked.attempts, headers };
}
