// Canonical request/response shapes: OpenAI Chat Completions. Every layer speaks these;
// providers translate to and from their own wire formats at the edge.
import type { JsonTextScan } from './json-text.ts';

export type Role = 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';

export interface TextPart {
  type: 'text';
  text: string;
}

export interface ImagePart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}

/** Parts we do not interpret (input_audio, file, …) travel unchanged to OpenAI-family upstreams. */
export interface OtherPart {
  type: string;
  [key: string]: unknown;
}

export type ContentPart = TextPart | ImagePart | OtherPart;

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: Role;
  content?: string | ContentPart[] | null;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
  /** Reasoning/thinking text some providers return; kept on assistant turns. */
  reasoning_content?: string | null;
  [key: string]: unknown;
}

export type JsonSchema = { [key: string]: unknown };

export interface ToolDefinition {
  type: 'function';
  function: { name: string; description?: string; parameters?: JsonSchema; strict?: boolean | null };
}

export type ToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  temperature?: number | null;
  top_p?: number | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  stop?: string | string[] | null;
  n?: number | null;
  user?: string;
  /** Legacy function-calling fields; treated like tools by the classifier. */
  functions?: unknown[];
  [key: string]: unknown;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; [key: string]: unknown } | null;
  completion_tokens_details?: { reasoning_tokens?: number; [key: string]: unknown } | null;
  /** USD cost as reported by the upstream (OpenRouter), when it reports one. */
  cost?: number;
  [key: string]: unknown;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

export interface AssistantMessage {
  role: 'assistant';
  content: string | null;
  tool_calls?: ToolCall[];
  reasoning_content?: string | null;
  refusal?: string | null;
  [key: string]: unknown;
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: AssistantMessage;
    finish_reason: FinishReason | null;
    logprobs?: unknown;
    [key: string]: unknown;
  }>;
  usage?: Usage | null;
  system_fingerprint?: string | null;
  [key: string]: unknown;
}

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChunkDelta {
  role?: 'assistant';
  content?: string | null;
  tool_calls?: ToolCallDelta[];
  reasoning_content?: string | null;
  refusal?: string | null;
  [key: string]: unknown;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: ChunkDelta;
    finish_reason: FinishReason | null;
    logprobs?: unknown;
    [key: string]: unknown;
  }>;
  usage?: Usage | null;
  [key: string]: unknown;
}

/** Text of a message's content, parts joined by newlines; non-text parts are skipped. */
export function contentText(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const part of content) {
    if (part && part.type === 'text' && typeof (part as TextPart).text === 'string') {
      out = out ? `${out}\n${(part as TextPart).text}` : (part as TextPart).text;
    }
  }
  return out;
}

/**
 * The upstream's own JSON text of an answer or chunk that passes through unchanged (OpenAI-family
 * targets): written out as is instead of serialised again. A symbol, so JSON.stringify never sees
 * it; whoever changes the object must drop it (`dropRawJson`).
 */
export const RAW_JSON: unique symbol = Symbol('rawJson');

/** Attaches the text to a parsed object; anything else (a stray upstream value) is returned as is. */
export function withRawJson<T>(value: T, raw: string): T {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) (value as { [RAW_JSON]?: string })[RAW_JSON] = raw;
  return value;
}

export function rawJsonOf(value: object): string | undefined {
  return (value as { [RAW_JSON]?: string })[RAW_JSON];
}

export function dropRawJson(value: object): void {
  delete (value as { [RAW_JSON]?: string })[RAW_JSON];
}

/** The JSON text of an answer or chunk: the upstream's own when it passed through unchanged. */
export function answerJson(value: object): string {
  return rawJsonOf(value) ?? JSON.stringify(value);
}

/** The client's own JSON body of a request, with its scan, so an OpenAI-family target can get the client's bytes with only `model` (and stream fields) replaced. */
export interface RequestText {
  bytes: Buffer;
  /** Offsets in `bytes`. */
  scan: JsonTextScan;
}

const REQUEST_TEXT: unique symbol = Symbol('requestText');

export function withRequestText<T>(value: T, text: RequestText): T {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) (value as { [REQUEST_TEXT]?: RequestText })[REQUEST_TEXT] = text;
  return value;
}

/** The request's original text; undefined for a request built by the gateway (another dialect's translation). */
export function requestTextOf(request: ChatRequest): RequestText | undefined {
  return (request as { [REQUEST_TEXT]?: RequestText })[REQUEST_TEXT];
}
