// Turns a RequestRecord into the values bound to one `requests` row. Records carry client input
// (model names, user agents) and upstream input (usage, error text, detail), so every column is
// coerced to its SQL type here: a number is finite or null, a string is bounded. Nothing a client
// or an upstream sends can make the insert throw or grow the log without limit.
import type { RequestRecord } from './request-log.ts';

/** Longest stored text per column, in characters; longer values are cut and end in `…`. */
export const FIELD_LIMITS = {
  id: 128,
  category: 128,
  classifierMethod: 64,
  requestedModel: 256,
  target: 256,
  outcome: 32,
  costSource: 32,
  userAgent: 256,
  error: 2000,
  attemptError: 500,
  attemptDetail: 1000,
  /** The whole attempts JSON; past it the details, then the later attempts, are left out. */
  attemptsJson: 8000,
  attempts: 20,
  reason: 200,
  reasons: 20,
} as const;

export type RowValues = [
  id: string,
  ts: number,
  category: string | null,
  classifierMethod: string | null,
  requestedModel: string | null,
  target: string | null,
  status: number,
  outcome: string,
  attempts: string,
  attemptCount: number,
  totalMs: number,
  ttfbMs: number | null,
  promptTokens: number | null,
  completionTokens: number | null,
  cachedTokens: number | null,
  reasoningTokens: number | null,
  costUsd: number | null,
  costSource: string | null,
  stream: 0 | 1,
  userAgent: string | null,
  error: string | null,
  usageEstimated: 0 | 1,
  classification: string | null,
  cache: string | null,
  costSavedUsd: number | null,
];

export function rowValues(r: RequestRecord): RowValues {
  const attempts = Array.isArray(r.attempts) ? r.attempts : [];
  return [
    text(r.id, FIELD_LIMITS.id) ?? '',
    integer(r.ts) ?? Date.now(),
    text(r.category, FIELD_LIMITS.category),
    text(r.classifierMethod, FIELD_LIMITS.classifierMethod),
    text(r.requestedModel, FIELD_LIMITS.requestedModel),
    text(r.target, FIELD_LIMITS.target),
    integer(r.status) ?? 0,
    text(r.outcome, FIELD_LIMITS.outcome) ?? 'error',
    attemptsJson(attempts),
    attempts.length,
    finite(r.totalMs) ?? 0,
    finite(r.ttfbMs),
    finite(r.promptTokens),
    finite(r.completionTokens),
    finite(r.cachedTokens),
    finite(r.reasoningTokens),
    finite(r.costUsd),
    text(r.costSource, FIELD_LIMITS.costSource),
    r.stream === true ? 1 : 0,
    text(r.userAgent, FIELD_LIMITS.userAgent),
    text(r.error, FIELD_LIMITS.error),
    r.usageEstimated === true ? 1 : 0,
    classificationJson(r.classification),
    text(r.cache, 16),
    finite(r.costSavedUsd),
  ];
}

/** How the category was chosen, as JSON: the confidence and the reasons (bounded), or null. */
export function classificationJson(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const c = value as Record<string, unknown>;
  const reasons = Array.isArray(c.reasons) ? c.reasons.slice(0, FIELD_LIMITS.reasons).map((r) => text(r, FIELD_LIMITS.reason)).filter((r) => r !== null) : [];
  return JSON.stringify({ confidence: finite(c.confidence), reasons });
}

/** A string cut to `max` characters, or null for anything that is not a string. */
export function text(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null;
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

/** A finite number, or null (objects, booleans, arrays, NaN, ±Infinity, numeric strings). */
export function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function integer(value: unknown): number | null {
  const n = finite(value);
  return n === null ? null : Math.round(n);
}

/** The attempts as JSON that always parses and stays under FIELD_LIMITS.attemptsJson. */
export function attemptsJson(attempts: readonly unknown[]): string {
  const kept = attempts.slice(0, FIELD_LIMITS.attempts).map(boundedAttempt);
  let json = JSON.stringify(kept);
  if (json.length <= FIELD_LIMITS.attemptsJson) return json;
  for (const a of kept) delete a.detail;
  json = JSON.stringify(kept);
  while (json.length > FIELD_LIMITS.attemptsJson && kept.length > 1) {
    kept.pop();
    json = JSON.stringify(kept);
  }
  return json.length <= FIELD_LIMITS.attemptsJson ? json : '[]';
}

interface StoredAttempt {
  target: string | null;
  outcome: string | null;
  ms: number | null;
  status?: number;
  kind?: string;
  error?: string;
  detail?: unknown;
}

function boundedAttempt(value: unknown): StoredAttempt {
  const a = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const out: StoredAttempt = { target: text(a.target, FIELD_LIMITS.target), outcome: text(a.outcome, FIELD_LIMITS.outcome), ms: finite(a.ms) };
  const status = integer(a.status);
  if (status !== null) out.status = status;
  const kind = text(a.kind, FIELD_LIMITS.outcome);
  if (kind !== null) out.kind = kind;
  const error = text(a.error, FIELD_LIMITS.attemptError);
  if (error !== null) out.error = error;
  if (a.detail !== undefined) {
    const detail = boundedJson(a.detail, FIELD_LIMITS.attemptDetail);
    if (detail !== undefined) out.detail = detail;
  }
  return out;
}

/** The value itself when its JSON is short; its JSON cut to `max` as a string when long; undefined when it cannot be serialised (cycles, BigInt, depth). */
function boundedJson(value: unknown, max: number): unknown {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return undefined;
  }
  if (json === undefined) return undefined;
  return json.length <= max ? JSON.parse(json) : text(json, max);
}
