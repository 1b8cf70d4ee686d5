// Reads recorded Anthropic wire bodies the way a test needs them: what an OpenAI client should
// receive for a recorded response, and the OpenAI request a client would send for a recorded
// request. Written apart from the adapter's translators so the tests do not check code with itself.

export interface Answer {
  text: string;
  reasoning: string;
  toolCalls: Array<{ id: string; name: string; input: unknown }>;
  finish: string | null;
  usage?: { prompt_tokens: number; completion_tokens: number; prompt_tokens_details?: { cached_tokens?: number } | null } | null;
  error?: { type: string; message: string };
  contentBeforeError?: boolean;
}

const FINISH: Record<string, string> = { end_turn: 'stop', stop_sequence: 'stop', max_tokens: 'length', tool_use: 'tool_calls', refusal: 'content_filter' };

function openAIUsage(u: Record<string, number | null | undefined>): Answer['usage'] {
  const read = u.cache_read_input_tokens ?? 0;
  return { prompt_tokens: (u.input_tokens ?? 0) + read + (u.cache_creation_input_tokens ?? 0), completion_tokens: u.output_tokens ?? 0, prompt_tokens_details: { cached_tokens: read } };
}

export function readAnthropicJson(message: any): Answer {
  const blocks: any[] = message.content;
  return {
    text: blocks.filter((b) => b.type === 'text').map((b) => b.text).join(''),
    reasoning: blocks.filter((b) => b.type === 'thinking').map((b) => b.thinking).join(''),
    toolCalls: blocks.filter((b) => b.type === 'tool_use').map((b) => ({ id: b.id, name: b.name, input: b.input })),
    finish: FINISH[message.stop_reason] ?? null,
    usage: openAIUsage(message.usage),
  };
}

export function readAnthropicSse(text: string): Answer {
  const answer: Answer = { text: '', reasoning: '', toolCalls: [], finish: null };
  const tools = new Map<number, { id: string; name: string; json: string }>();
  let usage: Record<string, number> = {};
  let content = false;
  for (const frame of text.split(/\n\n/)) {
    const data = frame.split('\n').find((l) => l.startsWith('data:'));
    if (!data) continue;
    const event = JSON.parse(data.slice(5));
    if (event.type === 'message_start') usage = { ...event.message.usage };
    if (event.type === 'content_block_start' && event.content_block.type === 'tool_use') {
      tools.set(event.index, { id: event.content_block.id, name: event.content_block.name, json: '' });
      content = true;
    }
    if (event.type === 'content_block_delta') {
      const d = event.delta;
      if (d.type === 'text_delta') answer.text += d.text;
      if (d.type === 'thinking_delta') answer.reasoning += d.thinking;
      if (d.type === 'input_json_delta') tools.get(event.index)!.json += d.partial_json;
      if (d.text || d.thinking || d.partial_json) content = true;
    }
    if (event.type === 'message_delta') {
      answer.finish = FINISH[event.delta.stop_reason] ?? null;
      for (const [k, v] of Object.entries(event.usage ?? {})) if (typeof v === 'number') usage[k] = v;
    }
    if (event.type === 'error') {
      answer.error = event.error;
      answer.contentBeforeError = content;
    }
  }
  answer.toolCalls = [...tools.values()].map((t) => ({ id: t.id, name: t.name, input: t.json ? JSON.parse(t.json) : {} }));
  if (Object.keys(usage).length > 0) answer.usage = openAIUsage(usage);
  return answer;
}

/** The OpenAI request a client would send for a recorded Anthropic request. */
export function openAIRequestFrom(recorded: Record<string, any>): Record<string, unknown> {
  const messages = recorded.messages.map((m: any) => ({
    role: m.role,
    content: typeof m.content === 'string' ? m.content : m.content.map((b: any) => ({ type: 'text', text: b.text })),
  }));
  const tools = recorded.tools?.map((t: any) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.input_schema } }));
  return { messages, max_tokens: recorded.max_tokens, ...(tools ? { tools } : {}), ...(recorded.thinking ? { thinking: recorded.thinking } : {}) };
}

/** String content and a single text block say the same thing. */
export function normalizeMessages(messages: any[]): unknown {
  return messages.map((m) => ({ role: m.role, content: typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content }));
}
