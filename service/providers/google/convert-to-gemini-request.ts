// A canonical chat request → a Gemini GenerateContentRequest body.
import type { ChatRequest } from '../../canonical/chat-types.ts';
import type { GeminiGenerateContentRequest, GeminiGenerationConfig } from './gemini-api-types.ts';
import { convertJsonSchemaNode } from './convert-json-schema-to-gemini.ts';
import { convertToGeminiContents } from './convert-to-gemini-contents.ts';
import { prepareGeminiTools } from './prepare-gemini-tools.ts';

export interface GeminiRequestOptions {
  /** Ask thinking models for thought summaries (→ reasoning_content) on every request. */
  includeThoughts?: boolean;
}

// Google's own mapping of reasoning_effort for its OpenAI-compatible endpoint.
const THINKING_BUDGET: Record<string, number> = { none: 0, minimal: 1024, low: 1024, medium: 8192, high: 24576 };

export function convertToGeminiRequest(request: ChatRequest, options: GeminiRequestOptions = {}): GeminiGenerateContentRequest {
  const { systemInstruction, contents } = convertToGeminiContents(request.messages);
  const body: GeminiGenerateContentRequest = { contents };
  if (systemInstruction) body.systemInstruction = systemInstruction;
  Object.assign(body, prepareGeminiTools(request));
  const generationConfig = convertGenerationConfig(request, options);
  if (Object.keys(generationConfig).length) body.generationConfig = generationConfig;
  return body;
}

function convertGenerationConfig(request: ChatRequest, options: GeminiRequestOptions): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (typeof maxTokens === 'number') config.maxOutputTokens = maxTokens;
  if (typeof request.temperature === 'number') config.temperature = request.temperature;
  if (typeof request.top_p === 'number') config.topP = request.top_p;
  if (typeof request.n === 'number') config.candidateCount = request.n;
  const stop = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (Array.isArray(stop) && stop.length) config.stopSequences = stop;
  if (typeof request.seed === 'number') config.seed = request.seed;
  if (typeof request.presence_penalty === 'number') config.presencePenalty = request.presence_penalty;
  if (typeof request.frequency_penalty === 'number') config.frequencyPenalty = request.frequency_penalty;

  const format = request.response_format as { type?: string; json_schema?: { schema?: unknown } } | undefined;
  if (format?.type === 'json_object' || format?.type === 'json_schema') {
    config.responseMimeType = 'application/json';
    const schema = format.type === 'json_schema' ? convertJsonSchemaNode(format.json_schema?.schema) : undefined;
    if (schema) config.responseSchema = schema;
  }

  const effort = typeof request.reasoning_effort === 'string' ? request.reasoning_effort : undefined;
  if (effort && effort in THINKING_BUDGET) {
    config.thinkingConfig = { thinkingBudget: THINKING_BUDGET[effort], ...(effort === 'none' ? {} : { includeThoughts: true }) };
  } else if (options.includeThoughts) {
    config.thinkingConfig = { includeThoughts: true };
  }
  return config;
}
