// OpenAI-family adapter (OpenAI, OpenRouter, any OpenAI-compatible host) straight on undici's
// pooled `request`: the wire format is already the canonical one, so the client's body goes out
// with only the model (and, for streams, include_usage) changed, serialised once, and answers
// come back as the upstream's own bytes, checked but not rewritten.
import { Agent, request, type Dispatcher } from 'undici';
import type { Readable } from 'node:stream';
import { requestTextOf, withRawJson, type ChatCompletion, type ChatCompletionChunk, type ChatRequest } from '../../canonical/chat-types.ts';
import { spliceMembers } from '../../canonical/json-text.ts';
import { readBounded, StreamTooLarge } from '../../io/bounded-read.ts';
import type { ProviderConfig } from '../../config/gateway-config.ts';
import type { ChatProvider, ProviderCall } from '../chat-provider.ts';
import { ProviderError } from '../provider-error.ts';
import { errorFromStatus, errorFromTransport } from './map-openai-error.ts';
import { SseEventReader, SseLineTooLong } from './sse-event-reader.ts';
import { DEFAULT_UPSTREAM_LIMITS, type UpstreamLimits } from './upstream-limits.ts';

/** Error bodies are only read for their message. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

export class OpenAIChatProvider implements ChatProvider {
  readonly type = 'openai' as const;
  readonly name: string;
  readonly #url: string;
  readonly #headers: Record<string, string>;
  readonly #limits: UpstreamLimits;
  readonly #dispatcher: Dispatcher;

  constructor(config: ProviderConfig, limits: UpstreamLimits = DEFAULT_UPSTREAM_LIMITS, dispatcher: Dispatcher = sharedAgent()) {
    this.name = config.name;
    this.#url = `${(config.baseURL ?? 'https://api.openai.com/v1').replace(/\/+$/, '')}/chat/completions`;
    this.#headers = { ...config.headers, 'content-type': 'application/json', accept: 'application/json' };
    // Keyless OpenAI-compatible hosts (vLLM, LM Studio) take no Authorization header.
    if (config.apiKey) this.#headers.authorization = `Bearer ${config.apiKey}`;
    this.#limits = limits;
    this.#dispatcher = dispatcher;
  }

  async complete({ model, request: body, signal }: ProviderCall): Promise<ChatCompletion> {
    const res = await this.#post(toPlainBody(body, model), signal);
    let text: string;
    try {
      text = await readCapped(res.body, this.#limits.maxAnswerBytes);
    } catch (error) {
      throw this.#bodyError(error, signal, false);
    }
    return withRawJson(parseAnswer(this.name, text) as ChatCompletion, text);
  }

  async stream({ model, request: body, signal }: ProviderCall): Promise<AsyncIterable<ChatCompletionChunk>> {
    const res = await this.#post(toStreamBody(body, model), signal);
    const type = String(res.headers['content-type'] ?? '');
    if (!type.includes('text/event-stream')) {
      // A 200 that is not a stream: an error object some hosts send, or an answer we did not ask for.
      const text = await readCapped(res.body, MAX_ERROR_BODY_BYTES).catch((error) => {
        throw this.#bodyError(error, signal, false);
      });
      throw new ProviderError({ provider: this.name, kind: 'invalid-response', message: `upstream answered a stream request with ${type || 'no content type'}: ${text.slice(0, 200)}` });
    }
    return this.#chunks(res.body, signal);
  }

  async *#chunks(body: Readable, signal: AbortSignal): AsyncGenerator<ChatCompletionChunk> {
    const reader = new SseEventReader(this.#limits.maxEventBytes);
    try {
      for await (const bytes of body) {
        for (const data of reader.push(bytes as Buffer)) {
          if (data === '[DONE]') return;
          yield withRawJson(parseAnswer(this.name, data) as ChatCompletionChunk, data);
        }
      }
      for (const data of reader.end()) {
        if (data === '[DONE]') return;
        yield withRawJson(parseAnswer(this.name, data) as ChatCompletionChunk, data);
      }
      // A body cut by our own abort can end without an error; it is not a finished answer.
      if (signal.aborted) throw errorFromTransport(this.name, signal.reason, signal, true);
    } catch (error) {
      throw this.#bodyError(error, signal, true);
    } finally {
      // Reached on completion, on failure, and when the consumer stops early: never leave the socket unread.
      if (!body.readableEnded) body.destroy();
    }
  }

  async #post(json: string | Buffer, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(this.#url, { method: 'POST', headers: this.#headers, body: json, signal, dispatcher: this.#dispatcher });
    } catch (error) {
      throw errorFromTransport(this.name, error, signal, false);
    }
    if (res.statusCode < 400) return res;
    let text = '';
    try {
      text = await readCapped(res.body, MAX_ERROR_BODY_BYTES, true);
    } catch (error) {
      res.body.destroy();
      if (signal.aborted) throw errorFromTransport(this.name, error, signal, false);
    }
    throw errorFromStatus(this.name, res.statusCode, res.headers, text);
  }

  #bodyError(error: unknown, signal: AbortSignal, inStream: boolean): ProviderError {
    if (error instanceof ProviderError) return error;
    if (error instanceof SseLineTooLong) return new ProviderError({ provider: this.name, kind: 'invalid-response', message: error.message });
    if (error instanceof StreamTooLarge) {
      return new ProviderError({ provider: this.name, kind: 'invalid-response', message: `upstream answer is larger than ${error.limit} bytes` });
    }
    return errorFromTransport(this.name, error, signal, inStream);
  }
}

/** The client's own bytes with only the model (and `stream`) replaced, when it sent them; else serialised once. */
export function toPlainBody(request: ChatRequest, model: string): string | Buffer {
  const edits = { model: JSON.stringify(model), stream: 'false' };
  return spliced(request, edits) ?? JSON.stringify({ ...request, model, stream: false });
}

function spliced(request: ChatRequest, edits: Record<string, string>): string | Buffer | null {
  const original = requestTextOf(request);
  // Copying the client's bytes beats encoding a 35 KB string to UTF-8 again.
  return original ? spliceMembers(original.bytes, original.scan, edits) : null;
}

/** Usage is always requested upstream so every streamed request can be costed; the SSE writer strips it for clients that did not ask. */
export function toStreamBody(request: ChatRequest, model: string): string | Buffer {
  const streamOptions = { ...(request.stream_options ?? {}), include_usage: true };
  const edits = { model: JSON.stringify(model), stream: 'true', stream_options: JSON.stringify(streamOptions) };
  return spliced(request, edits) ?? JSON.stringify({ ...request, model, stream: true, stream_options: streamOptions });
}

function parseAnswer(provider: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ProviderError({ provider, kind: 'invalid-response', message: `upstream sent malformed JSON: ${(error as Error).message}` });
  }
}

/** Reads a body up to `limit` bytes; past it, stops reading and throws (or, for error bodies, keeps what it has). */
async function readCapped(body: Readable, limit: number, truncate = false): Promise<string> {
  return (await readBounded(body, limit, truncate)).toString('utf8');
}

let shared: Agent | undefined;
function sharedAgent(): Agent {
  // Deadlines are the router's (per attempt, through the signal), so undici's own header and body
  // timeouts are off: a reasoning model may think for minutes before its first byte.
  shared ??= new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, headersTimeout: 0, bodyTimeout: 0, connections: 256 });
  return shared;
}
