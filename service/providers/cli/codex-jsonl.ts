// Codex's `exec --json`: JSONL events (`thread.started`, `turn.started`, `item.started|updated|
// completed`, `turn.completed` with `usage`, `turn.failed` with `error.message`, `error`). The
// answer is each completed `agent_message` item's `text`; Codex prints it whole, not as deltas.
import type { Usage } from '../../canonical/chat-types.ts';
import { JsonLinesParser, count, record, type CliEvent } from './cli-output.ts';

export class CodexJsonlParser extends JsonLinesParser {
  #messages = 0;
  /** The last top-level `error` event: Codex sends these for retries too, so only a failed turn makes it the reason. */
  #lastError: string | undefined;

  protected event(event: Record<string, unknown>): CliEvent[] {
    switch (event.type) {
      case 'item.completed': {
        const item = record(event.item);
        if (item?.type !== 'agent_message' || typeof item.text !== 'string' || !item.text) return [];
        // Several messages in one turn read as paragraphs.
        const text = this.#messages++ > 0 ? `\n\n${item.text}` : item.text;
        return [{ type: 'text', text }];
      }
      case 'turn.completed': {
        const usage = record(event.usage);
        return usage ? [{ type: 'usage', usage: codexUsage(usage) }] : [];
      }
      case 'turn.failed': {
        const message = typeof record(event.error)?.message === 'string' ? (record(event.error)!.message as string) : (this.#lastError ?? 'codex turn failed');
        return [{ type: 'error', message, status: statusIn(message) }];
      }
      case 'error':
        if (typeof event.message === 'string') this.#lastError = event.message;
        return [];
      default:
        return [];
    }
  }
}

/** `input_tokens` includes the cached ones and `output_tokens` the reasoning ones, as in OpenAI's usage. */
function codexUsage(usage: Record<string, unknown>): Usage {
  const prompt = count(usage.input_tokens);
  const completion = count(usage.output_tokens);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: count(usage.cached_input_tokens) },
    completion_tokens_details: { reasoning_tokens: count(usage.reasoning_output_tokens) },
  };
}

/** Codex words its upstream failures with the status in them ("unexpected status 401 Unauthorized: …"). */
export function statusIn(message: string): number | undefined {
  const match = /\b(?:status|http)[\s:]*([1-5]\d\d)\b/i.exec(message);
  return match ? Number(match[1]) : undefined;
}
