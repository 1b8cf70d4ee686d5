// A canonical answer → an OpenAI Responses `response` object: output items (reasoning, message
// with output_text, function_call) and usage in the Responses vocabulary.
import type { ChatCompletion, Usage } from '../../canonical/chat-types.ts';
import type { ResponseItem } from './to-canonical-from-responses.ts';

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** What the response echoes of its request, and its identity. */
export interface ResponseFrame {
  id: string;
  createdAt: number;
  /** The model the client asked for. */
  model: string;
  body: Record<string, unknown>;
}

export function toResponsesUsage(usage: Usage | null | undefined): ResponsesUsage {
  const input = count(usage?.prompt_tokens);
  const output = count(usage?.completion_tokens);
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: count(usage?.prompt_tokens_details?.cached_tokens) },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: count(usage?.completion_tokens_details?.reasoning_tokens) },
    total_tokens: input + output,
  };
}

/** The response object around `output`; `status` is in_progress while streaming. */
export function responseShell(frame: ResponseFrame, status: 'in_progress' | 'completed' | 'incomplete' | 'failed', output: ResponseItem[], usage: ResponsesUsage | null): Record<string, unknown> {
  const body = frame.body;
  return {
    id: frame.id,
    object: 'response',
    created_at: frame.createdAt,
    status,
    background: false,
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: typeof body.instructions === 'string' ? body.instructions : null,
    max_output_tokens: typeof body.max_output_tokens === 'number' ? body.max_output_tokens : null,
    model: frame.model,
    output,
    parallel_tool_calls: body.parallel_tool_calls !== false,
    previous_response_id: typeof body.previous_response_id === 'string' ? body.previous_response_id : null,
    reasoning: { effort: null, summary: null },
    store: body.store !== false,
    temperature: typeof body.temperature === 'number' ? body.temperature : 1,
    text: { format: { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: Array.isArray(body.tools) ? body.tools : [],
    top_p: typeof body.top_p === 'number' ? body.top_p : 1,
    truncation: 'disabled',
    usage,
    metadata: typeof body.metadata === 'object' && body.metadata !== null ? body.metadata : {},
  };
}

export function toResponsesObject(completion: ChatCompletion, frame: ResponseFrame): Record<string, unknown> {
  const choice = completion.choices[0];
  const message = choice?.message;
  const output: ResponseItem[] = [];
  const suffix = frame.id.slice('resp_'.length);
  if (message?.reasoning_content) output.push(reasoningItem(`rs_${suffix}`, message.reasoning_content));
  const text = message?.content ?? message?.refusal ?? null;
  if (text) output.push(messageItem(`msg_${suffix}`, text));
  for (const [i, call] of (message?.tool_calls ?? []).entries()) output.push(functionCallItem(`fc_${suffix}_${i}`, call.id, call.function.name, call.function.arguments));
  const status = choice?.finish_reason === 'length' ? 'incomplete' : 'completed';
  return responseShell(frame, status, output, toResponsesUsage(completion.usage));
}

export function reasoningItem(id: string, text: string): ResponseItem {
  return { id, type: 'reasoning', summary: [{ type: 'summary_text', text }] };
}

export function messageItem(id: string, text: string): ResponseItem {
  return { id, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] };
}

export function functionCallItem(id: string, callId: string, name: string, args: string): ResponseItem {
  return { id, type: 'function_call', status: 'completed', call_id: callId, name, arguments: args };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
