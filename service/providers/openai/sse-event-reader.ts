// Incremental reader of a text/event-stream body: bytes in, each event's `data` out. It keeps
// only the unfinished line between calls, and refuses a line longer than its cap, so an
// upstream that never sends a newline cannot grow the gateway's memory.
import { StringDecoder } from 'node:string_decoder';

export class SseLineTooLong extends Error {
  readonly limit: number;

  constructor(limit: number) {
    super(`upstream sent an event line longer than ${limit} bytes`);
    this.limit = limit;
    this.name = 'SseLineTooLong';
  }
}

export class SseEventReader {
  readonly #decoder = new StringDecoder('utf8');
  readonly #maxLine: number;
  #partial = '';
  #data: string[] = [];
  #skipLf = false;

  constructor(maxLineBytes: number) {
    this.#maxLine = maxLineBytes;
  }

  /** Feeds a piece of the body; returns the data of every event it completed. Throws SseLineTooLong. */
  push(bytes: Buffer): string[] {
    return this.#lines(this.#decoder.write(bytes));
  }

  /** The body ended: a last event without its blank line still counts, as browsers' EventSource does not, but upstreams do send it. */
  end(): string[] {
    const out = this.#lines(this.#decoder.end());
    if (this.#partial) this.#line(this.#partial, out);
    this.#partial = '';
    if (this.#data.length > 0) out.push(this.#data.join('\n'));
    this.#data = [];
    return out;
  }

  #lines(text: string): string[] {
    const out: string[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code !== 10 && code !== 13) continue;
      if (code === 10 && this.#skipLf && i === start) {
        // The LF of a CRLF split across two reads.
        this.#skipLf = false;
        start = i + 1;
        continue;
      }
      const line = this.#partial ? this.#partial + text.slice(start, i) : text.slice(start, i);
      this.#partial = '';
      this.#line(line, out);
      if (code === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        else this.#skipLf = i + 1 === text.length;
      } else this.#skipLf = false;
      start = i + 1;
    }
    if (start < text.length) {
      this.#partial += text.slice(start);
      this.#skipLf = false;
      // Characters, not bytes: a cheap bound that errs on the generous side for non-ASCII.
      if (this.#partial.length > this.#maxLine) throw new SseLineTooLong(this.#maxLine);
    }
    return out;
  }

  #line(line: string, out: string[]): void {
    if (line.length > this.#maxLine) throw new SseLineTooLong(this.#maxLine);
    if (line === '') {
      if (this.#data.length > 0) out.push(this.#data.length === 1 ? this.#data[0] : this.#data.join('\n'));
      this.#data = [];
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ':' comment, e.g. OpenRouter's keep-alive
    if (line.startsWith('data:')) {
      this.#data.push(line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5));
    }
    // event:, id:, retry: carry nothing an OpenAI-family chat stream needs.
  }
}
