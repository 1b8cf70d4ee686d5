// Claude Code's `-p --output-format stream-json --verbose --include-partial-messages`: one JSON
// object a line. `stream_event` lines carry the Messages API's own stream events (text deltas in
// `content_block_delta`); `assistant` lines carry each whole message (used when no deltas came,
// e.g. an older CLI without partial messages); the last line, `result`, has the answer, `is_error`,
// `usage` (Messages API counts) and `total_cost_usd`.
import { JsonLinesParser, count, record, type CliEvent } from './cli-output.ts';

export class ClaudeStreamJsonParser extends JsonLinesParser {
  /** Messages whose text arrived as deltas: their whole `assistant` copy is not text again. */
  readonly #streamed = new Set<string>();
  #sawText = false;

  protected event(event: Record<string, unknown>): CliEvent[] {
    // Sub-agents' messages carry a parent tool use id; only the main conversation is the answer.
    if (event.parent_tool_use_id) return [];
    switch (event.type) {
      case 'stream_event': {
        const inner = record(event.event);
        const delta = record(inner?.delta);
        if (inner?.type !== 'content_block_delta' || delta?.type !== 'text_delta' || typeof delta.text !== 'string') return [];
        if (typeof event.api_message_id === 'string') this.#streamed.add(event.api_message_id);
        return this.#text(delta.text);
      }
      case 'assistant': {
        // An API error is reported as a synthetic assistant message; the `result` line says it properly.
        if (event.is_api_error_message || event.error) return [];
        const message = record(event.message);
        if (!message || (typeof message.id === 'string' && this.#streamed.has(message.id))) return [];
        const blocks = Array.isArray(message.content) ? message.content : [];
        const text = blocks.map((b) => (record(b)?.type === 'text' && typeof record(b)?.text === 'string' ? (record(b)!.text as string) : '')).join('');
        return this.#text(text);
      }
      case 'result':
        return this.#result(event);
      default:
        return [];
    }
  }

  #text(text: string): CliEvent[] {
    if (!text) return [];
    this.#sawText = true;
    return [{ type: 'text', text }];
  }

  #result(event: Record<string, unknown>): CliEvent[] {
    if (event.is_error === true || (typeof event.subtype === 'string' && event.subtype.startsWith('error'))) {
      const message = typeof event.result === 'string' && event.result ? event.result : `claude reported ${String(event.subtype ?? 'an error')}`;
      const status = typeof event.api_error_status === 'number' ? event.api_error_status : undefined;
      return [{ type: 'error', message, status }];
    }
    const events: CliEvent[] = [];
    if (!this.#sawText && typeof event.result === 'string') events.push(...this.#text(event.result));
    const usage = record(event.usage);
    if (usage) {
      const cached = count(usage.cache_read_input_tokens);
      const prompt = count(usage.input_tokens) + cached + count(usage.cache_creation_input_tokens);
      const completion = count(usage.output_tokens);
      const cost = typeof event.total_cost_usd === 'number' && Number.isFinite(event.total_cost_usd) && event.total_cost_usd >= 0 ? event.total_cost_usd : undefined;
      events.push({
        type: 'usage',
        usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: cached }, ...(cost !== undefined ? { cost } : {}) },
      });
    }
    return events;
  }
}
