// A coding-agent CLI (Claude Code, Codex, Gemini CLI, Copilot CLI) or any command as a provider:
// the chat turns become one prompt, the CLI runs once per call in its own process group and
// temporary directory, and what it prints becomes canonical chunks as it prints them.
import { randomUUID } from 'node:crypto';
import type { ChatCompletion, ChatCompletionChunk, Usage } from '../../canonical/chat-types.ts';
import type { CliSettings, ProviderConfig } from '../../config/gateway-config.ts';
import type { ChatProvider, ProviderCall } from '../chat-provider.ts';
import { ProviderError, abortedError } from '../provider-error.ts';
import { registerSecret } from '../secret-redaction.ts';
import { runDetached } from '../../process/detached-task.ts';
import { ClaudeStreamJsonParser } from './claude-stream-json.ts';
import { OutputTooLarge, PlainTextParser, type CliEvent, type CliOutputParser } from './cli-output.ts';
import { CliProcess, StdoutTooLarge } from './cli-process.ts';
import { CLI_PRESETS, customArgs, type CliOutputFormat, type CliPreset } from './cli-presets.ts';
import { PROMPT_ARG_LIMIT, buildCliPrompt } from './cli-prompt.ts';
import { CodexJsonlParser } from './codex-jsonl.ts';
import { ConcurrencyGate, QueueFull } from './concurrency-gate.ts';
import { GeminiStreamJsonParser } from './gemini-stream-json.ts';
import { cliFailure, notRunnable } from './map-cli-error.ts';

/** The model id that means "the CLI's own default": no model argument is passed. */
export const DEFAULT_MODEL = 'default';

export class CliProvider implements ChatProvider {
  readonly name: string;
  readonly type = 'cli' as const;
  readonly #settings: CliSettings;
  readonly #preset: CliPreset | undefined;
  readonly #gate: ConcurrencyGate;

  constructor(config: ProviderConfig) {
    if (!config.cli) throw new Error(`provider "${config.name}" has no cli settings`);
    this.name = config.name;
    this.#settings = config.cli;
    this.#preset = config.cli.preset ? CLI_PRESETS[config.cli.preset] : undefined;
    this.#gate = new ConcurrencyGate(config.cli.maxConcurrent, config.cli.maxQueue);
    // A key the CLI is given must not come back out in its error text.
    for (const [name, value] of Object.entries(config.cli.env)) if (/KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL/i.test(name)) registerSecret(value);
  }

  /** Calls running and waiting, for status reports. */
  get load(): { running: number; queued: number } {
    return { running: this.#gate.running, queued: this.#gate.queued };
  }

  async complete(call: ProviderCall): Promise<ChatCompletion> {
    let text = '';
    let usage: Usage | undefined;
    for await (const event of await this.#run(call)) {
      if (event.type === 'text') text += event.text;
      else if (event.type === 'usage') usage = event.usage;
    }
    return {
      id: `chatcmpl-cli-${randomUUID()}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: call.model,
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      ...(usage ? { usage } : {}),
    };
  }

  async stream(call: ProviderCall): Promise<AsyncIterable<ChatCompletionChunk>> {
    return toChunks(await this.#run(call), call.model);
  }

  /** Resolves once the CLI has started (a missing binary rejects here); iterating reads its output. */
  async #run(call: ProviderCall): Promise<AsyncGenerator<CliEvent>> {
    this.#check(call);
    const { signal } = call;
    let release: () => void;
    try {
      release = await this.#gate.acquire(signal);
    } catch (error) {
      if (error instanceof QueueFull) throw new ProviderError({ provider: this.name, kind: 'http', status: 429, code: 'cli_busy', message: `${this.name} is busy: ${error.message}` });
      throw abortedError(this.name, signal, error) ?? error;
    }
    const prompt = buildCliPrompt(call.request);
    const onStdin = Buffer.byteLength(prompt) > PROMPT_ARG_LIMIT;
    const invocation = { model: call.model === DEFAULT_MODEL ? undefined : call.model, prompt: onStdin ? undefined : prompt };
    const bin = this.#preset?.bin ?? this.#settings.command![0];
    const args = this.#preset ? this.#preset.args(invocation) : customArgs(this.#settings.command!, invocation);
    let child: CliProcess;
    try {
      child = new CliProcess({ bin, args, env: this.#settings.env, cwd: this.#settings.cwd, stdin: onStdin ? prompt : undefined });
    } catch (error) {
      release();
      throw notRunnable(this.name, bin, error);
    }
    // The deadline, the client leaving and the provider's own timeout all end the whole process group.
    const state = { timedOut: false };
    const timer = setTimeout(() => ((state.timedOut = true), child.kill()), this.#settings.timeoutMs);
    const onAbort = () => child.kill();
    signal.addEventListener('abort', onAbort, { once: true });
    runDetached(`${this.name} process cleanup`, async () => {
      await child.exited;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      release();
    });
    if (signal.aborted) child.kill();
    try {
      await child.started;
    } catch (error) {
      throw abortedError(this.name, signal, error) ?? notRunnable(this.name, bin, error);
    }
    return this.#events(child, parserFor(this.#preset?.output ?? 'text'), signal, state);
  }

  #check(call: ProviderCall): void {
    const request = call.request;
    // A CLI cannot hand tool calls back to the client; the router prefers other targets for these (capabilities).
    if ((request.tools?.length ?? 0) > 0 || (request.functions?.length ?? 0) > 0) {
      throw new ProviderError({ provider: this.name, kind: 'http', status: 501, type: 'unsupported', message: `${this.name} is a command-line agent and cannot take tools` });
    }
    // A custom command may place {model} as an argument of its own: an id that looks like a flag is refused.
    if (call.model.startsWith('-')) {
      throw new ProviderError({ provider: this.name, kind: 'invalid-request', status: 400, code: 'invalid_model', message: `model id "${call.model}" cannot start with "-" for a command-line provider` });
    }
    const models = this.#settings.models;
    if (models.length > 0 && call.model !== DEFAULT_MODEL && !models.includes(call.model)) {
      throw new ProviderError({ provider: this.name, kind: 'http', status: 404, code: 'model_not_found', retryable: false, message: `${this.name} offers ${models.join(', ')}, not "${call.model}"` });
    }
  }

  async *#events(child: CliProcess, parser: CliOutputParser, signal: AbortSignal, state: { timedOut: boolean }): AsyncGenerator<CliEvent> {
    let reported: Extract<CliEvent, { type: 'error' }> | undefined;
    try {
      for await (const text of child.stdout()) {
        for (const event of parser.push(text)) {
          if (event.type === 'error') reported = event;
          else yield event;
        }
      }
      for (const event of parser.end()) {
        if (event.type === 'error') reported = event;
        else yield event;
      }
      const exit = await child.exited;
      const ended = this.#ended(signal, state);
      if (ended) throw ended;
      if (reported || exit.code !== 0) throw cliFailure({ provider: this.name, reported, exit, stderr: child.stderr });
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      const ended = this.#ended(signal, state);
      if (ended) throw ended;
      if (error instanceof OutputTooLarge || error instanceof StdoutTooLarge) throw new ProviderError({ provider: this.name, kind: 'invalid-response', message: error.message });
      throw error;
    } finally {
      // A reader that stopped early (the client left mid-stream) leaves nothing running.
      if (child.running) child.kill();
    }
  }

  #ended(signal: AbortSignal, state: { timedOut: boolean }): ProviderError | null {
    if (signal.aborted) return abortedError(this.name, signal, signal.reason);
    if (state.timedOut) return new ProviderError({ provider: this.name, kind: 'timeout', message: `${this.name} did not finish within ${this.#settings.timeoutMs} ms (killed)` });
    return null;
  }
}

function parserFor(format: CliOutputFormat): CliOutputParser {
  switch (format) {
    case 'claude-stream-json':
      return new ClaudeStreamJsonParser();
    case 'codex-jsonl':
      return new CodexJsonlParser();
    case 'gemini-stream-json':
      return new GeminiStreamJsonParser();
    case 'text':
      return new PlainTextParser();
    default: {
      const never: never = format;
      throw new Error(`unknown CLI output format ${String(never)}`);
    }
  }
}

/** Canonical chunks as the CLI prints: the text as it comes, then one closing chunk with the CLI's usage when it gave one. */
async function* toChunks(events: AsyncGenerator<CliEvent>, model: string): AsyncGenerator<ChatCompletionChunk> {
  const id = `chatcmpl-cli-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  let first = true;
  let usage: Usage | undefined;
  for await (const event of events) {
    if (event.type === 'usage') usage = event.usage;
    if (event.type !== 'text') continue;
    yield { id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta: first ? { role: 'assistant', content: event.text } : { content: event.text }, finish_reason: null }] };
    first = false;
  }
  yield { id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], ...(usage ? { usage } : {}) };
}
