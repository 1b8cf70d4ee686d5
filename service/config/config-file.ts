// ROUTER_CONFIG: the JSON file's shape, validated whole and strictly. An unknown or misspelt key
// stops the start with its path and the nearest known key, instead of being ignored.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MAX_TIMER_MS, ConfigError, baseUrlProblem, headerProblem } from './config-values.ts';

/** `router/<category>` names a category, and these would reach Object.prototype in a plain object. */
export const RESERVED_PROVIDER_NAMES = new Set(['router', '__proto__', 'constructor', 'prototype']);

const providerName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a provider name is 1-64 letters, digits, _ . or -, starting with a letter or digit')
  .refine((name) => !RESERVED_PROVIDER_NAMES.has(name), { message: 'this provider name is reserved' });

const baseURL = z.string().superRefine((value, ctx) => {
  const problem = baseUrlProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const headers = z.record(z.string(), z.string()).superRefine((record, ctx) => {
  for (const [name, value] of Object.entries(record)) {
    const problem = headerProblem(name, value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [name] });
  }
});

const timerMs = (min: number) => z.number().int().min(min).max(MAX_TIMER_MS);

const providerFileSchema = z
  .object({
    type: z.enum(['openai', 'anthropic', 'google', 'ollama']),
    baseURL: baseURL.optional(),
    apiKeyEnv: z.string().min(1).optional(),
    apiKey: z.string().min(1).optional(),
    headers: headers.optional(),
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const breakerSchema = z
  .object({
    errorThresholdPercentage: z.number().min(1).max(100).optional(),
    volumeThreshold: z.number().int().min(1).optional(),
    rollingCountTimeout: timerMs(1000).optional(),
    resetTimeout: timerMs(100).optional(),
  })
  .strict();

/** The Responses and Anthropic Messages routes (docs/CONFIGURATION.md, "dialects"). */
const dialectsSchema = z
  .object({
    /** Anthropic Messages streams: a ping this often while no target has answered yet. */
    pingIntervalMs: timerMs(10).optional(),
    /** Claude Code's x-claude-code-request-class (main, subagent, compaction, auxiliary) → a category. */
    claudeCodeRequestClasses: z
      .object({ main: z.string().min(1).optional(), subagent: z.string().min(1).optional(), compaction: z.string().min(1).optional(), auxiliary: z.string().min(1).optional() })
      .strict()
      .optional(),
    /** How long /v1/responses keeps a response stored with store: true, for previous_response_id. */
    responsesStoreTtlS: z.number().int().min(1).max(365 * 24 * 3600).optional(),
  })
  .strict();

const configFileSchema = z
  .object({
    providers: z.record(providerName, providerFileSchema).optional(),
    breaker: breakerSchema.optional(),
    /** Per target (`provider/model`): breaker options that differ from the defaults above. */
    breakers: z.record(z.string().regex(/^[^/]+\/.+$/, 'breaker keys are provider/model targets'), breakerSchema).optional(),
    attemptTimeoutMs: timerMs(100).optional(),
    dialects: dialectsSchema.optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof configFileSchema>;

export function readConfigFile(file: string): ConfigFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`ROUTER_CONFIG ${file}: ${(error as Error).message}`);
  }
  const problems = protoKeys(raw, []);
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) problems.push(...parsed.error.issues.flatMap(describeIssue));
  if (problems.length > 0) throw new ConfigError(`ROUTER_CONFIG ${file}: ${problems.join('; ')}`);
  return parsed.data!;
}

/** zod drops a `__proto__` key without a word; say so instead. */
function protoKeys(value: unknown, path: string[]): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const found: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (key === '__proto__') found.push(`${[...path, key].join('.')}: this name is reserved`);
    else found.push(...protoKeys(child, [...path, key]));
  }
  return found;
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  // A bad record key (a provider's name) carries the key check's own message inside.
  if (issue.code === 'invalid_key') return [`${issue.path.join('.')}: ${issue.issues[0]?.message ?? issue.message}`];
  if (issue.code !== 'unrecognized_keys') return [`${issue.path.join('.') || '(top level)'}: ${issue.message}`];
  const known = knownKeysAt(issue.path);
  return issue.keys.map((key) => {
    const where = [...issue.path, key].join('.');
    const nearest = nearestKey(key, known);
    return nearest ? `${where}: unknown key; did you mean ${nearest}?` : `${where}: unknown key (known: ${known.join(', ')})`;
  });
}

/** The keys the schema allows at `path`, found by walking it (optionals unwrapped, records by their values). */
function knownKeysAt(path: PropertyKey[]): string[] {
  let schema: z.ZodType = configFileSchema;
  for (const segment of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) schema = schema.shape[String(segment)];
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    else return [];
    if (!schema) return [];
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodOptional ? unwrap(schema.unwrap() as z.ZodType) : schema;
}

/** The known key closest to `key` (case-insensitive edit distance), when close enough to be a likely typo. */
export function nearestKey(key: string, known: string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}
