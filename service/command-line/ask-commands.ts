// `generate` and `classify`: against a running gateway, or in-process from the same configuration
// when none runs (or with --local), through the library API.
// The gateway and the openai SDK are imported when a command needs them: `--help` and the admin
// commands start without loading either.
import type OpenAI from 'openai';
import type { Usage } from '../canonical/chat-types.ts';
import type { Router } from '../library.ts';
import { CommandError, EXIT, exitCodeForStatus } from './exit-codes.ts';
import { GatewayClient, unreachable } from './gateway-client.ts';
import { describeClassification, type Output } from './render.ts';

export interface AskOptions {
  /** Set when --url or ROUTER_URL named a gateway: then it must be there. */
  explicitUrl: boolean;
  local: boolean;
  json: boolean;
}

export interface GenerateFlags {
  model: string;
  system?: string;
  stream: boolean;
  maxTokens?: number;
}

/** Runs `work` against the gateway, or in-process when asked to or when no gateway answers at the default URL. */
async function where(client: GatewayClient, options: AskOptions, out: Output): Promise<'http' | 'local'> {
  if (options.local) return 'local';
  if (await client.reachable()) return 'http';
  if (options.explicitUrl) throw unreachable(client.url, new Error('no answer'));
  out.note(`no gateway at ${client.url}; answering in-process from this machine's configuration`);
  return 'local';
}

async function localRouter(): Promise<Router> {
  const { openRouter, ConfigError } = await import('../library.ts');
  try {
    return await openRouter();
  } catch (error) {
    if (error instanceof ConfigError) throw new CommandError(`configuration error: ${error.message}`, EXIT.unreachable);
    throw error;
  }
}

export async function generate(prompt: string, flags: GenerateFlags, client: GatewayClient, options: AskOptions, out: Output): Promise<void> {
  const mode = await where(client, options, out);
  if (mode === 'local') return generateLocally(prompt, flags, options, out);
  const { default: OpenAI } = await import('openai');
  const openai = new OpenAI({ baseURL: `${client.url}/v1`, apiKey: client.settings.apiKey ?? 'none', maxRetries: 0, timeout: client.settings.timeoutMs });
  const messages = [...(flags.system ? [{ role: 'system' as const, content: flags.system }] : []), { role: 'user' as const, content: prompt }];
  const body = { model: flags.model, messages, ...(flags.maxTokens ? { max_tokens: flags.maxTokens } : {}) };
  try {
    if (flags.stream) {
      const { data: stream, response } = await openai.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }).withResponse();
      let usage: Usage | null = null;
      for await (const chunk of stream) {
        if (chunk.usage) usage = chunk.usage as Usage;
        const piece = chunk.choices[0]?.delta?.content;
        if (piece) out.piece(piece);
      }
      out.endPieces(meta(response.headers, usage));
      return;
    }
    const { data, response } = await openai.chat.completions.create(body).withResponse();
    out.answer(data.choices[0]?.message.content ?? '', meta(response.headers, (data.usage as Usage) ?? null));
  } catch (error) {
    throw sdkFailure(OpenAI, error, client.url);
  }
}

async function generateLocally(prompt: string, flags: GenerateFlags, options: AskOptions, out: Output): Promise<void> {
  const router = await localRouter();
  // A CLI provider runs in its own process group, out of reach of the terminal's Ctrl-C: abort the
  // call instead, which kills that group, before this process ends.
  const controller = new AbortController();
  const interrupted = (signal: NodeJS.Signals) => controller.abort(new CommandError(`interrupted (${signal})`, EXIT.interrupted));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const call = { model: flags.model, system: flags.system, maxTokens: flags.maxTokens, signal: controller.signal };
    if (flags.stream) {
      const streamed = await router.generateStream(prompt, call);
      let usage: Usage | null = null;
      for await (const chunk of streamed.chunks) {
        if (chunk.usage) usage = chunk.usage;
        const piece = chunk.choices[0]?.delta?.content;
        if (piece) out.piece(piece);
      }
      // An aborted stream ends quietly; it is not a finished answer.
      if (controller.signal.aborted) throw controller.signal.reason;
      out.endPieces({ target: streamed.target, category: streamed.category, requestId: streamed.requestId, attempts: streamed.attempts.length, usage, local: true });
      return;
    }
    const result = await router.generate(prompt, call);
    out.answer(result.text, { target: result.target, category: result.category, requestId: result.requestId, attempts: result.attempts.length, usage: result.usage, local: true });
  } catch (error) {
    if (controller.signal.aborted) throw controller.signal.reason;
    if (error instanceof Error && error.name === 'RouterRequestError') {
      const failure = error as Error & { status: number; code: unknown; attempts: unknown };
      throw new CommandError(failure.message, exitCodeForStatus(failure.status), { status: failure.status, code: failure.code, attempts: failure.attempts });
    }
    throw error;
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await router.close();
  }
}

export async function classify(prompt: string, client: GatewayClient, options: AskOptions, out: Output): Promise<void> {
  const mode = await where(client, options, out);
  let result: Record<string, unknown>;
  if (mode === 'http') {
    result = (await client.client('POST', '/v1/classify', { messages: [{ role: 'user', content: prompt }] })).body;
  } else {
    const router = await localRouter();
    try {
      result = { ...(await router.classify(prompt)) };
    } finally {
      await router.close();
    }
  }
  out.result(result, describeClassification(result));
}

export interface AnswerMeta {
  target: string | null;
  category: string | null;
  requestId: string | null;
  attempts: number | null;
  usage: Usage | null;
  local: boolean;
}

function meta(headers: Headers, usage: Usage | null): AnswerMeta {
  const attempts = headers.get('x-router-attempts');
  return {
    target: headers.get('x-router-model'),
    category: headers.get('x-router-category'),
    requestId: headers.get('x-request-id'),
    attempts: attempts === null ? null : Number(attempts),
    usage,
    local: false,
  };
}

function sdkFailure(sdk: typeof OpenAI, error: unknown, url: string): CommandError {
  if (error instanceof sdk.APIConnectionError) return unreachable(url, error);
  if (error instanceof sdk.APIError && error.status !== undefined) {
    const body = error.error as { message?: string; attempts?: unknown } | undefined;
    return new CommandError(body?.message ?? error.message, exitCodeForStatus(error.status), { status: error.status, ...(body ?? {}) });
  }
  return new CommandError((error as Error)?.message ?? String(error), EXIT.failed);
}

