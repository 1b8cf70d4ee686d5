// One row per client request. Rows are queued on the request path and written in batches,
// so a request never waits for the disk.
import type { Db } from './database.ts';

export interface AttemptRecord {
  target: string;
  outcome: string;
  ms: number;
  status?: number;
  error?: string;
  detail?: unknown;
}

export interface RequestRecord {
  id: string;
  ts: number;
  category: string | null;
  classifierMethod: string | null;
  requestedModel: string | null;
  target: string | null;
  status: number;
  /** ok | error | client_closed | partial */
  outcome: string;
  attempts: AttemptRecord[];
  totalMs: number;
  ttfbMs: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
  cachedTokens: number | null;
  reasoningTokens: number | null;
  costUsd: number | null;
  /** upstream | pricing | estimated | unpriced | none */
  costSource: string;
  stream: boolean;
  /** Tokens were estimated from text length because the upstream reported no usage. */
  usageEstimated: boolean;
  userAgent: string | null;
  error: string | null;
}

/** Told of every row as it is queued (the Prometheus counters); must not throw or block. */
export type RecordListener = (record: RequestRecord) => void;

export class RequestLog {
  readonly #db: Db;
  readonly #insert;
  readonly #listeners: RecordListener[] = [];
  #queue: RequestRecord[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(db: Db, flushIntervalMs: number) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT OR REPLACE INTO requests (id, ts, category, classifier_method, requested_model, target, status, outcome, attempts, attempt_count,
         total_ms, ttfb_ms, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, cost_usd, cost_source, stream, user_agent, error, usage_estimated)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#timer = setInterval(() => this.flush(), flushIntervalMs);
    this.#timer.unref();
  }

  add(record: RequestRecord): void {
    this.#queue.push(record);
    for (const listener of this.#listeners) {
      try {
        listener(record);
      } catch (error) {
        console.error('[router] request-log listener failed', error);
      }
    }
  }

  onRecord(listener: RecordListener): void {
    this.#listeners.push(listener);
  }

  get pending(): number {
    return this.#queue.length;
  }

  /** Writes every queued row in one transaction. */
  flush(): number {
    if (this.#queue.length === 0) return 0;
    const batch = this.#queue;
    this.#queue = [];
    this.#db.transaction((rows: RequestRecord[]) => {
      for (const r of rows) {
        // Positional parameters: binding by name costs a lookup per column per row.
        this.#insert.run(
          r.id, r.ts, r.category, r.classifierMethod, r.requestedModel, r.target, r.status, r.outcome, JSON.stringify(r.attempts), r.attempts.length,
          r.totalMs, r.ttfbMs, r.promptTokens, r.completionTokens, r.cachedTokens, r.reasoningTokens, r.costUsd, r.costSource, r.stream ? 1 : 0, r.userAgent, r.error, r.usageEstimated ? 1 : 0,
        );
      }
    })(batch);
    return batch.length;
  }

  close(): void {
    clearInterval(this.#timer);
    this.flush();
  }
}
