// How `llm-router` prints: human-readable text by default (answers on stdout, routing notes on
// stderr, so a pipe gets only the answer), or JSON for scripts with --json.
import type { AnswerMeta } from './ask-commands.ts';
import type { CommandError } from './exit-codes.ts';

export interface Streams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export class Output {
  readonly json: boolean;
  readonly #io: Streams;

  constructor(json: boolean, io: Streams = process) {
    this.json = json;
    this.#io = io;
  }

  /** A whole answer. */
  answer(text: string, meta: AnswerMeta): void {
    if (this.json) return this.#line({ text, ...metaJson(meta) });
    this.#io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    this.#io.stderr.write(`${routingLine(meta)}\n`);
  }

  /** A piece of a streamed answer, as it arrives (one JSON line each with --json). */
  piece(text: string): void {
    if (this.json) return this.#line({ delta: text });
    this.#io.stdout.write(text);
  }

  endPieces(meta: AnswerMeta): void {
    if (this.json) return this.#line({ done: true, ...metaJson(meta) });
    this.#io.stdout.write('\n');
    this.#io.stderr.write(`${routingLine(meta)}\n`);
  }

  /** A command's result: the JSON as it is, or its human description. */
  result(value: unknown, human: string): void {
    if (this.json) this.#io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    else this.#io.stdout.write(human.endsWith('\n') ? human : `${human}\n`);
  }

  note(text: string): void {
    this.#io.stderr.write(`llm-router: ${text}\n`);
  }

  error(error: CommandError): void {
    if (this.json) this.#line({ error: { message: error.message, exit_code: error.exitCode, details: error.details ?? null } });
    this.#io.stderr.write(`llm-router: ${error.message}\n`);
  }

  #line(value: unknown): void {
    this.#io.stdout.write(`${JSON.stringify(value)}\n`);
  }
}

function metaJson(meta: AnswerMeta): Record<string, unknown> {
  return { target: meta.target, category: meta.category, request_id: meta.requestId, attempts: meta.attempts, usage: meta.usage, in_process: meta.local };
}

export function routingLine(meta: AnswerMeta): string {
  const parts = [meta.category ? `category ${meta.category}` : null, meta.attempts !== null ? `${meta.attempts} attempt${meta.attempts === 1 ? '' : 's'}` : null];
  if (meta.usage) parts.push(`${meta.usage.prompt_tokens}+${meta.usage.completion_tokens} tokens${typeof meta.usage.cost === 'number' ? `, $${meta.usage.cost.toFixed(6)}` : ''}`);
  if (meta.local) parts.push('in-process');
  return `— ${meta.target ?? 'unknown target'} (${parts.filter(Boolean).join(', ')})`;
}

/** Left-aligned columns, two spaces apart. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function describeClassification(result: Record<string, any>): string {
  const lines = [`category    ${result.category} (${result.method}, confidence ${Number(result.confidence ?? 0).toFixed(2)})`];
  if (Array.isArray(result.reasons) && result.reasons.length > 0) lines.push(`reasons     ${result.reasons.join('; ')}`);
  lines.push(`chain       ${Array.isArray(result.chain) && result.chain.length > 0 ? result.chain.join(' → ') : '(empty)'}`);
  return lines.join('\n');
}

export function describeProviders(body: { providers: Array<Record<string, any>> }): string {
  const rows = body.providers.map((p) => {
    const b = p.breakers ?? {};
    const status = !p.configured ? `not configured${p.env?.length ? ` (set ${p.env.join(' or ')})` : ''}` : b.open > 0 ? `${b.open} breaker(s) open` : b.half_open > 0 ? `${b.half_open} half-open` : 'ok';
    const targets = (p.targets ?? []).map((t: any) => `${t.target}${t.state !== 'closed' ? ` [${t.state}]` : ''}`).join(', ');
    const load = p.cli ? ` (${p.cli.running}/${p.cli.max_concurrent} running, ${p.cli.queued} queued)` : '';
    return [p.name, p.type, `${status}${load}`, describeHealth(p.health), targets || '-'];
  });
  return table(['PROVIDER', 'TYPE', 'STATUS', 'HEALTH', 'TARGETS'], rows);
}

/** The provider's live health from its background probes: up (latency, models seen), down with the reason, or not probed yet. */
function describeHealth(h: Record<string, any> | undefined): string {
  if (!h || !h.status || h.status === 'not_configured') return '-';
  const checked = h.last_check ? `, checked ${h.last_check.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}` : '';
  if (h.status === 'up') return `up (${h.latency_ms ?? '?'} ms${typeof h.models_seen === 'number' ? `, ${h.models_seen} models` : ''}${checked})`;
  if (h.status === 'down') return `down: ${h.reason ?? 'probe failed'}${checked}`;
  return String(h.status).replace('_', ' ');
}

export function describeMetrics(m: Record<string, any>): string {
  const r = m.requests ?? {};
  const lines = [
    `window        ${m.window_ms ? `${Math.round(m.window_ms / 60000)} min` : 'all time'}`,
    `requests      ${r.total ?? 0} (${r.success ?? 0} ok, ${r.failed ?? 0} failed, ${r.client_closed ?? 0} closed by the client)`,
    `avg latency   ${Math.round(m.avg_latency_ms ?? 0)} ms`,
    `cost          $${Number(m.total_cost_usd ?? 0).toFixed(6)}${m.cost?.estimated_requests ? ` (${m.cost.estimated_requests} estimated)` : ''}`,
    `tokens        ${m.total_tokens?.prompt ?? 0} in, ${m.total_tokens?.completion ?? 0} out`,
  ];
  const targets = Object.entries((m.targets ?? {}) as Record<string, any>).sort((a, b) => b[1].calls - a[1].calls);
  if (targets.length > 0) {
    const ms = (value: unknown) => (typeof value === 'number' ? String(Math.round(value)) : '-');
    lines.push('', table(['TARGET', 'CALLS', 'SUCCESS', 'P50 MS', 'P95 MS', 'COST', 'BREAKER'], targets.map(([t, x]) => [t, String(x.calls), `${Math.round(Number(x.success_rate ?? 0) * 100)}%`, ms(x.p50_latency_ms), ms(x.p95_latency_ms), `$${Number(x.cost_usd ?? 0).toFixed(6)}`, x.breaker_state ?? 'closed'])));
  }
  return lines.join('\n');
}

export function describeConfig(config: Record<string, any>): string {
  const lines = ['categories:'];
  for (const c of config.categories ?? []) lines.push(`  ${c.name.padEnd(14)} ${(c.chain ?? []).join(' → ') || '(empty chain)'}`);
  lines.push('providers:');
  for (const p of config.providers ?? []) lines.push(`  ${p.name.padEnd(14)} ${p.type}${p.configured ? '' : ' (not configured)'}`);
  if (config.classifier) lines.push(`classifier:     ${config.classifier.mode}${config.classifier.model ? ` (${config.classifier.model})` : ''}`);
  if (config.files) lines.push(`files:          config ${config.files.config ?? '(none)'}, categories ${config.files.categories}`);
  return lines.join('\n');
}

export interface ProbeResult {
  target: string;
  ok: boolean;
  ms: number;
  answer?: string;
  error?: string;
  status?: number;
}

export function describeProbes(results: ProbeResult[]): string {
  return table(
    ['TARGET', 'RESULT', 'MS', 'DETAIL'],
    results.map((r) => [r.target, r.ok ? 'ok' : `error${r.status ? ` ${r.status}` : ''}`, String(Math.round(r.ms)), (r.ok ? JSON.stringify(r.answer ?? '') : (r.error ?? '')).slice(0, 120)]),
  );
}
