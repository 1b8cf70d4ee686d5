/**
 * @module
 * The router in-process, for an application that embeds it instead of calling a gateway over HTTP.
 * It is built from the same configuration as the server (the environment, ROUTER_CONFIG,
 * categories/, pricing/, the SQLite request log, or PostgreSQL with ROUTER_DATABASE_URL) and runs every request down the same path:
 * classification, the category's chain, breakers, deadlines, failover and the request record.
 *
 * @example
 * ```ts
 * import { createRouter } from 'llm-task-router';
 * const router = createRouter();                       // reads process.env, like `npm start`
 * const { text, target } = await router.generate('Write a haiku about SQLite');
 * const { category, chain } = await router.classify('Fix this stack trace: …');
 * await router.close();
 * ```
 * @see docs/COMMAND-LINE.md (section "Library")
 */
import type { ChatCompletion, ChatCompletionChunk, ChatMessage, ChatRequest, Usage } from './canonical/chat-types.ts';
import type { Classification } from './classify/category.ts';
import { loadConfig, type GatewayConfig } from './config/gateway-config.ts';
import { parseChatRequest } from './dialects/chat-completions/chat-request-schema.ts';
import { buildGateway, type Gateway } from './gateway.ts';
import { HttpError } from './http/openai-error.ts';
import { RouteError } from './plan/chat-router.ts';
import { recordedStream, StreamFailure } from './pipeline/recorded-stream.ts';
import type { Attempt } from './walk/chain-walker.ts';

export { ConfigError, loadConfig, type GatewayConfig } from './config/gateway-config.ts';
export type { ChatCompletion, ChatCompletionChunk, ChatMessage, ChatRequest, Usage } from './canonical/chat-types.ts';
export type { Attempt } from './walk/chain-walker.ts';

export interface CreateRouterOptions {
  /** The environment to configure from, as the server reads it (ROUTER_CONFIG, provider keys, ROUTER_DB…); default process.env. */
  env?: Record<string, string | undefined>;
  /** A configuration already loaded with loadConfig; wins over `env`. */
  config?: GatewayConfig;
}

export interface CallOptions {
  /** Aborting it stops the call (and kills a CLI provider's process). */
  signal?: AbortSignal;
}

export interface GenerateOptions extends CallOptions {
  /** `router` (classify; the default), `router/<category>`, or `provider/model`. */
  model?: string;
  system?: string;
  maxTokens?: number;
  temperature?: number;
}

/** Where an answer came from, whatever its form. */
export interface Routing {
  requestId: string;
  /** The `provider/model` that answered. */
  target: string;
  category: string;
  /** Every target tried, in order, with its outcome. */
  attempts: Attempt[];
}

export interface GenerateResult extends Routing {
  text: string;
  /** As the upstream reported it; null when it did not (the request log then holds an estimate). */
  usage: Usage | null;
}

export interface RoutedCompletion extends Routing {
  completion: ChatCompletion;
}

export interface RoutedStream extends Routing {
  /** Canonical chunks as the upstream sends them; throws RouterRequestError if it fails mid-stream. */
  chunks: AsyncIterable<ChatCompletionChunk>;
}

export interface ClassifyResult extends Classification {
  /** The targets the request would be tried on, in order. */
  chain: string[];
}

/** A request the router could not answer: `status` and `code` as the HTTP API would give them. */
export class RouterRequestError extends Error {
  readonly status: number;
  readonly code: string | number | null;
  readonly attempts: Attempt[];

  constructor(status: number, message: string, code: string | number | null, attempts: Attempt[]) {
    super(message);
    this.name = 'RouterRequestError';
    this.status = status;
    this.code = code;
    this.attempts = attempts;
  }
}

export class Router {
  readonly #ready: Promise<Gateway>;
  #closed = false;

  /** Takes the gateway, or its start (the stores open asynchronously): calls wait for it, and fail as it failed. */
  constructor(gateway: Gateway | Promise<Gateway>) {
    this.#ready = Promise.resolve(gateway);
    // A start that failed is reported by the first call (or by openRouter), never as an unhandled rejection.
    this.#ready.catch(() => {});
  }

  /** One prompt in, the answer's text out. */
  async generate(prompt: string, options: GenerateOptions = {}): Promise<GenerateResult> {
    const { completion, ...routing } = await this.chat(promptRequest(prompt, options), options);
    return { ...routing, text: completion.choices[0]?.message.content ?? '', usage: completion.usage ?? null };
  }

  /** One prompt in, the answer streamed. */
  generateStream(prompt: string, options: GenerateOptions = {}): Promise<RoutedStream> {
    return this.chatStream(promptRequest(prompt, options), options);
  }

  /** A Chat Completions request (validated as the HTTP route validates it), answered whole. */
  async chat(request: ChatRequest, options: CallOptions = {}): Promise<RoutedCompletion> {
    const parsed = this.#parse({ ...request, stream: false });
    const { pipeline } = await this.#ready;
    const start = pipeline.start('llm-router-library');
    try {
      const answer = await pipeline.run(parsed, start, options.signal ?? new AbortController().signal);
      if (answer.kind !== 'completion') throw new Error('a plain request was answered with a stream');
      return { completion: answer.completion, ...routing(start.id, answer) };
    } catch (error) {
      throw failed(pipeline.fail(error, start));
    }
  }

  /** A Chat Completions request answered as a stream of chunks; resolves once the first content is in hand. */
  async chatStream(request: ChatRequest, options: CallOptions = {}): Promise<RoutedStream> {
    const parsed = this.#parse({ ...request, stream: true });
    const { pipeline } = await this.#ready;
    const start = pipeline.start('llm-router-library');
    let answer;
    try {
      answer = await pipeline.run(parsed, start, options.signal ?? new AbortController().signal);
    } catch (error) {
      throw failed(pipeline.fail(error, start));
    }
    if (answer.kind !== 'stream') throw new Error('a stream request was answered whole');
    const meta = routing(start.id, answer);
    const events = recordedStream({ opened: answer.opened, tracker: start.tracker, target: answer.target, attempts: answer.attempts, deadline: answer.deadline });
    async function* chunks(): AsyncGenerator<ChatCompletionChunk> {
      for await (const event of events) {
        if (event instanceof StreamFailure) throw new RouterRequestError(502, event.message, event.code, meta.attempts);
        yield event;
      }
    }
    return { ...meta, chunks: chunks() };
  }

  /** What the router would do with a prompt or request: category, method, reasons and chain; nothing is called. */
  async classify(input: string | ChatRequest): Promise<ClassifyResult> {
    const request = this.#parse(typeof input === 'string' ? promptRequest(input, {}) : { ...input, model: input.model ?? 'router' });
    try {
      const plan = await (await this.#ready).router.plan(request);
      return { ...plan.classification, chain: plan.targets.map((t) => t.id) };
    } catch (error) {
      if (error instanceof RouteError) throw new RouterRequestError(error.status, error.message, error.code, []);
      throw error;
    }
  }

  /** Waits (up to graceMs) for requests still running, then flushes the request log and closes the database. */
  async close(graceMs = 5_000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const gateway = await this.#ready.catch(() => undefined);
    if (!gateway) return;
    await gateway.router.inFlight.settled(graceMs);
    await gateway.close();
  }

  #parse(body: unknown): ChatRequest {
    const parsed = parseChatRequest(body);
    if (parsed instanceof HttpError) throw failed(parsed);
    return parsed;
  }
}

/**
 * Builds a router from configuration; throws ConfigError for a bad setting, as the server would at
 * start. Its stores open in the background: a store that cannot be opened, or a ROUTER_CONFIG
 * declaration that does not fit it, fails the first call. openRouter waits for all of it.
 */
export function createRouter(options: CreateRouterOptions = {}): Router {
  const config = options.config ?? loadConfig(options.env ?? process.env);
  return new Router(buildGateway(config));
}

/** createRouter, resolved once the stores are open and ROUTER_CONFIG is applied; rejects (ConfigError for a bad setting) as the server's start would. */
export async function openRouter(options: CreateRouterOptions = {}): Promise<Router> {
  const config = options.config ?? loadConfig(options.env ?? process.env);
  return new Router(await buildGateway(config));
}

function promptRequest(prompt: string, options: GenerateOptions): ChatRequest {
  const messages: ChatMessage[] = [];
  if (options.system) messages.push({ role: 'system', content: options.system });
  messages.push({ role: 'user', content: prompt });
  return {
    model: options.model ?? 'router',
    messages,
    ...(options.maxTokens !== undefined ? { max_tokens: options.maxTokens } : {}),
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
  };
}

function routing(requestId: string, answer: { target: string; attempts: Attempt[]; headers: Record<string, string> }): Routing {
  return { requestId, target: answer.target, category: answer.headers['x-router-category'] ?? 'direct', attempts: answer.attempts };
}

function failed(error: HttpError): RouterRequestError {
  const attempts = Array.isArray(error.extra.attempts) ? (error.extra.attempts as Attempt[]) : [];
  return new RouterRequestError(error.status, error.message, error.code, attempts);
}
