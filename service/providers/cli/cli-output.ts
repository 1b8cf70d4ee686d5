// What a CLI's output says, whichever CLI printed it: answer text as it comes, the usage and cost it
// reported, or the failure it reported. One parser per output format turns stdout into these.
import type { Usage } from '../../canonical/chat-types.ts';

export type CliEvent =
  | { type: 'text'; text: string }
  | { type: 'usage'; usage: Usage }
  /** The CLI reported that the call failed; `status` is its upstream's HTTP status when it gave one. */
  | { type: 'error'; message: string; status?: number };

export interface CliOutputParser {
  /** A piece of stdout as it arrived (any size, split anywhere). */
  push(text: string): CliEvent[];
  /** stdout has ended. */
  end(): CliEvent[];
}

/** A line of JSON output longer than this is not an event we can use: the call fails instead of buffering it. */
export const MAX_LINE_CHARS = 4 * 1024 * 1024;

export class OutputTooLarge extends Error {}

/** Splits JSONL output into parsed objects; lines that are not JSON objects (banners, warnings) are skipped. */
export abstract class JsonLinesParser implements CliOutputParser {
  #partial = '';

  push(text: string): CliEvent[] {
    const events: CliEvent[] = [];
    let rest = this.#partial + text;
    let newline = rest.indexOf('\n');
    while (newline >= 0) {
      events.push(...this.#line(rest.slice(0, newline)));
      rest = rest.slice(newline + 1);
      newline = rest.indexOf('\n');
    }
    if (rest.length > MAX_LINE_CHARS) throw new OutputTooLarge(`an output line is longer than ${MAX_LINE_CHARS} characters`);
    this.#partial = rest;
    return events;
  }

  end(): CliEvent[] {
    const events = this.#line(this.#partial);
    this.#partial = '';
    return [...events, ...this.finish()];
  }

  #line(line: string): CliEvent[] {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      return [];
    }
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? this.event(parsed as Record<string, unknown>) : [];
  }

  protected abstract event(event: Record<string, unknown>): CliEvent[];

  protected finish(): CliEvent[] {
    return [];
  }
}

/** A custom command's or Copilot's stdout: the answer text itself. */
export class PlainTextParser implements CliOutputParser {
  push(text: string): CliEvent[] {
    return text ? [{ type: 'text', text }] : [];
  }

  end(): CliEvent[] {
    return [];
  }
}

/** A count the CLI reported, or 0 for anything that is not a non-negative number. */
export function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : 0;
}

export function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
