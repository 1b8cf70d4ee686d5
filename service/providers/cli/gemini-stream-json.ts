// Gemini CLI's `--output-format stream-json` (headless mode): JSONL events `init`, `message`
// (`role`, `content`, `delta: true` for pieces of the answer), `tool_use`, `tool_result`, `error`
// (non-fatal) and a final `result` with `status` and `stats` (`input_tokens`, `output_tokens`,
// `cached`).
import { JsonLinesParser, count, record, type CliEvent } from './cli-output.ts';
import { statusIn } from './codex-jsonl.ts';

export class GeminiStreamJsonParser extends JsonLinesParser {
  #lastError: string | undefined;

  protected event(event: Record<string, unknown>): CliEvent[] {
    switch (event.type) {
      case 'message':
        return event.role === 'assistant' && typeof event.content === 'string' && event.content ? [{ type: 'text', text: event.content }] : [];
      case 'error':
        if (typeof event.message === 'string') this.#lastError = event.message;
        return [];
      case 'result': {
        if (event.status === 'error') {
          const error = record(event.error);
          const message = typeof error?.message === 'string' ? error.message : (this.#lastError ?? 'gemini reported an error');
          return [{ type: 'error', message, status: statusIn(message) }];
        }
        const stats = record(event.stats);
        if (!stats) return [];
        const prompt = count(stats.input_tokens);
        const completion = count(stats.output_tokens);
        return [{ type: 'usage', usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: count(stats.cached) } } }];
      }
      default:
        return [];
    }
  }
}
