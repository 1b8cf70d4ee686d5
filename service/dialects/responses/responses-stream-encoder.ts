// Canonical chunks → the Responses API's stream: response.created and response.in_progress at the
// first content, then per output item output_item.added, its parts and deltas (reasoning summary,
// output_text, function_call_arguments), their .done events and output_item.done, and finally
// response.completed with usage (or response.failed). Every event carries a sequence_number.
import type { ChatCompletionChunk, ToolCallDelta, Usage } from '../../canonical/chat-types.ts';
import type { ResponseItem } from './to-canonical-from-responses.ts';
import { functionCallItem, messageItem, reasoningItem, responseShell, toResponsesUsage, type ResponseFrame } from './to-responses-object.ts';

type OpenItem =
  | { kind: 'reasoning'; id: string; index: number; text: string }
  | { kind: 'message'; id: string; index: number; text: string }
  | { kind: 'call'; id: string; index: number; toolIndex: number; callId: string; name: string; args: string };

export class ResponsesStreamEncoder {
  readonly #frame: ResponseFrame;
  #sequence = 0;
  #started = false;
  #open: OpenItem | undefined;
  readonly #output: ResponseItem[] = [];
  readonly #toolsSeen = new Set<number>();
  #usage: Usage | null = null;
  #truncated = false;

  constructor(frame: ResponseFrame) {
    this.#frame = frame;
  }

  /** The output items finished so far (all of them once finish() ran), for the response store. */
  get output(): ResponseItem[] {
    return this.#output;
  }

  push(chunk: ChatCompletionChunk): string[] {
    if (chunk.usage) this.#usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (choice?.finish_reason === 'length') this.#truncated = true;
    const delta = choice?.delta;
    if (!delta) return [];
    const out: string[] = [];
    const reasoning = delta.reasoning_content ?? (typeof delta.reasoning === 'string' ? delta.reasoning : undefined);
    if (reasoning) out.push(...this.#reasoning(reasoning));
    const text = delta.content || delta.refusal;
    if (text) out.push(...this.#text(text));
    for (const call of delta.tool_calls ?? []) out.push(...this.#call(call));
    return out;
  }

  /** Closes the open item and the response; `usage` stands in when the upstream reported none. */
  finish(fallbackUsage: Usage | null = null): string[] {
    const out = this.#start();
    out.push(...this.#close());
    const usage = toResponsesUsage(this.#usage ?? fallbackUsage);
    const status = this.#truncated ? 'incomplete' : 'completed';
    out.push(this.#event(status === 'completed' ? 'response.completed' : 'response.incomplete', { response: responseShell(this.#frame, status, this.#output, usage) }));
    return out;
  }

  /** A failure after content: an error event, then response.failed with what was produced. */
  fail(code: string | number, message: string): string[] {
    const out = this.#start();
    out.push(this.#event('error', { code: String(code), message, param: null }));
    const failed = { ...responseShell(this.#frame, 'failed', this.#output, null), error: { code: 'server_error', message } };
    out.push(this.#event('response.failed', { response: failed }));
    return out;
  }

  #event(type: string, data: Record<string, unknown>): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: this.#sequence++, ...data })}\n\n`;
  }

  #start(): string[] {
    if (this.#started) return [];
    this.#started = true;
    const response = responseShell(this.#frame, 'in_progress', [], null);
    return [this.#event('response.created', { response }), this.#event('response.in_progress', { response })];
  }

  #itemId(prefix: string): string {
    return `${prefix}_${this.#frame.id.slice('resp_'.length)}_${this.#output.length}`;
  }

  #reasoning(text: string): string[] {
    const out = this.#start();
    if (this.#open?.kind !== 'reasoning') {
      out.push(...this.#close());
      const open: OpenItem = { kind: 'reasoning', id: this.#itemId('rs'), index: this.#output.length, text: '' };
      this.#open = open;
      out.push(this.#event('response.output_item.added', { output_index: open.index, item: { id: open.id, type: 'reasoning', summary: [] } }));
      out.push(this.#event('response.reasoning_summary_part.added', { item_id: open.id, output_index: open.index, summary_index: 0, part: { type: 'summary_text', text: '' } }));
    }
    const open = this.#open as Extract<OpenItem, { kind: 'reasoning' }>;
    open.text += text;
    out.push(this.#event('response.reasoning_summary_text.delta', { item_id: open.id, output_index: open.index, summary_index: 0, delta: text }));
    return out;
  }

  #text(text: string): string[] {
    const out = this.#start();
    if (this.#open?.kind !== 'message') {
      out.push(...this.#close());
      const open: OpenItem = { kind: 'message', id: this.#itemId('msg'), index: this.#output.length, text: '' };
      this.#open = open;
      out.push(this.#event('response.output_item.added', { output_index: open.index, item: { id: open.id, type: 'message', status: 'in_progress', role: 'assistant', content: [] } }));
      out.push(this.#event('response.content_part.added', { item_id: open.id, output_index: open.index, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } }));
    }
    const open = this.#open as Extract<OpenItem, { kind: 'message' }>;
    open.text += text;
    out.push(this.#event('response.output_text.delta', { item_id: open.id, output_index: open.index, content_index: 0, delta: text, logprobs: [] }));
    return out;
  }

  #call(call: ToolCallDelta): string[] {
    const out = this.#start();
    const current = this.#open;
    if (!(current?.kind === 'call' && current.toolIndex === call.index)) {
      // Only a new call opens an item; arguments for one already closed cannot be placed any more.
      if (this.#toolsSeen.has(call.index)) return out;
      this.#toolsSeen.add(call.index);
      out.push(...this.#close());
      const id = this.#itemId('fc');
      const open: OpenItem = { kind: 'call', id, index: this.#output.length, toolIndex: call.index, callId: call.id || `call_${id}`, name: call.function?.name ?? '', args: '' };
      this.#open = open;
      out.push(this.#event('response.output_item.added', { output_index: open.index, item: { id, type: 'function_call', status: 'in_progress', call_id: open.callId, name: open.name, arguments: '' } }));
    }
    const open = this.#open as Extract<OpenItem, { kind: 'call' }>;
    const args = call.function?.arguments;
    if (args) {
      open.args += args;
      out.push(this.#event('response.function_call_arguments.delta', { item_id: open.id, output_index: open.index, delta: args }));
    }
    return out;
  }

  #close(): string[] {
    const open = this.#open;
    if (!open) return [];
    this.#open = undefined;
    const out: string[] = [];
    let item: ResponseItem;
    if (open.kind === 'reasoning') {
      const part = { type: 'summary_text', text: open.text };
      out.push(this.#event('response.reasoning_summary_text.done', { item_id: open.id, output_index: open.index, summary_index: 0, text: open.text }));
      out.push(this.#event('response.reasoning_summary_part.done', { item_id: open.id, output_index: open.index, summary_index: 0, part }));
      item = reasoningItem(open.id, open.text);
    } else if (open.kind === 'message') {
      out.push(this.#event('response.output_text.done', { item_id: open.id, output_index: open.index, content_index: 0, text: open.text, logprobs: [] }));
      out.push(this.#event('response.content_part.done', { item_id: open.id, output_index: open.index, content_index: 0, part: { type: 'output_text', text: open.text, annotations: [], logprobs: [] } }));
      item = messageItem(open.id, open.text);
    } else {
      const args = open.args || '{}';
      out.push(this.#event('response.function_call_arguments.done', { item_id: open.id, output_index: open.index, name: open.name, arguments: args }));
      item = functionCallItem(open.id, open.callId, open.name, args);
    }
    this.#output.push(item);
    out.push(this.#event('response.output_item.done', { output_index: open.index, item }));
    return out;
  }
}
