// A canonical (OpenAI) chat request → the body of Anthropic's POST /v1/messages.
import type Anthropic from '@anthropic-ai/sdk';
import type { ChatRequest } from '../../canonical/chat-types.ts';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.ts';
import { prepareAnthropicTools } from './prepare-anthropic-tools.ts';

/** The SDK's create params (sampling fields are not in its types but the API takes them). */
export type AnthropicRequestBody = Omit<Anthropic.MessageCreateParamsNonStreaming, 'stream'> & {
  temperature?: number;
  top_p?: number;
};

export interface AnthropicRequestOptions {
  /** config.options.defaultMaxTokens: Anthropic requires max_tokens, OpenAI clients often omit it. */
  defaultMaxTokens?: number;
}

export const FALLBACK_MAX_TOKENS = 4096;

export function toAnthropicRequest(request: ChatRequest, model: string, options: AnthropicRequestOptions = {}): AnthropicRequestBody {
  const { system, messages } = convertToAnthropicMessages(request.messages);
  const body: AnthropicRequestBody = {
    model,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? options.defaultMaxTokens ?? FALLBACK_MAX_TOKENS,
    messages,
  };
  if (system !== undefined) body.system = system;
  Object.assign(body, prepareAnthropicTools(request));

  const stop = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (stop && stop.length > 0) body.stop_sequences = stop;

  // OpenAI's temperature runs 0..2, Anthropic's 0..1. Current Claude models reject
  // temperature and top_p together, so top_p goes only when temperature is not set.
  if (typeof request.temperature === 'number') body.temperature = Math.min(Math.max(request.temperature, 0), 1);
  else if (typeof request.top_p === 'number') body.top_p = request.top_p;

  if (request.user) body.metadata = { user_id: request.user };

  // Anthropic's own `thinking` object, for clients that know they may reach Claude.
  if (isObject(request.thinking)) body.thinking = request.thinking as unknown as Anthropic.ThinkingConfigParam;

  const outputConfig = toOutputConfig(request);
  if (outputConfig) body.output_config = outputConfig;
  return body;
}

function toOutputConfig(request: ChatRequest): Anthropic.OutputConfig | undefined {
  const config: Anthropic.OutputConfig = {};
  const effort = toEffort(request.reasoning_effort);
  if (effort) config.effort = effort;
  const format = request.response_format as { type?: string; json_schema?: { schema?: unknown } } | undefined;
  if (format?.type === 'json_schema' && isObject(format.json_schema?.schema)) {
    config.format = { type: 'json_schema', schema: format.json_schema.schema as Record<string, unknown> };
  }
  return Object.keys(config).length > 0 ? config : undefined;
}

function toEffort(value: unknown): Anthropic.OutputConfig['effort'] | undefined {
  switch (value) {
    case 'minimal':
    case 'low':
      return 'low';
    case 'medium':
    case 'high':
    case 'xhigh':
      return value;
    default:
      // 'none' and unknown values: leave the model's default.
      return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
