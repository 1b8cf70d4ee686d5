// ROUTER_CONFIG: the JSON file's shape, validated whole and strictly. An unknown or misspelt key
// stops the start with its path and the nearest known key, instead of being ignored.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MAX_TIMER_MS, ConfigError, baseUrlProblem, headerProblem } from './config-values.ts';
import { categoryCacheSchema, categoryName, chain, keyword } from '../http/category-schema.ts';
import { classifierPatchSchema } from '../http/classifier-routes.ts';
import { aliasName } from '../plan/model-aliases.ts';
import { CLI_PRESET_NAMES } from '../providers/cli/cli-preset-names.ts';

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

/** Keys only a `type: "cli"` provider takes (a coding-agent CLI run as a provider; see docs/CLI-PROVIDERS.md). */
const CLI_KEYS = ['preset', 'command', 'models', 'maxConcurrent', 'maxQueue', 'timeoutMs', 'cwd', 'env'] as const;
const HTTP_KEYS = ['baseURL', 'apiKeyEnv', 'apiKey', 'headers'] as const;

const providerFileSchema = z
  .object({
    type: z.enum(['openai', 'anthropic', 'google', 'ollama', 'cli']),
    baseURL: baseURL.optional(),
    apiKeyEnv: z.string().min(1).optional(),
    apiKey: z.string().min(1).optional(),
    headers: headers.optional(),
    options: z.record(z.string(), z.unknown()).optional(),
    preset: z.enum(CLI_PRESET_NAMES).optional(),
    command: z
      .array(z.string().min(1))
      .min(1)
      .refine((args) => args.some((a) => a.includes('{prompt}')), { message: 'command needs a {prompt} placeholder (the prompt goes on stdin when long)' })
      .optional(),
    models: z.array(z.string().min(1).max(200)).min(1).optional(),
    maxConcurrent: z.number().int().min(1).max(64).optional(),
    maxQueue: z.number().int().min(0).max(10_000).optional(),
    timeoutMs: timerMs(100).optional(),
    cwd: z.string().min(1).optional(),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'), z.string()).optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const present = (keys: readonly string[]) => keys.filter((k) => (spec as Record<string, unknown>)[k] !== undefined);
    if (spec.type === 'cli') {
      for (const key of present(HTTP_KEYS)) ctx.addIssue({ code: 'custom', path: [key], message: 'a cli provider takes no ' + key + ' (its CLI has its own login; pass variables in env)' });
      if ((spec.preset === undefined) === (spec.command === undefined)) ctx.addIssue({ code: 'custom', path: ['preset'], message: 'a cli provider needs exactly one of preset or command' });
    } else {
      for (const key of present(CLI_KEYS)) ctx.addIssue({ code: 'custom', path: [key], message: `only a cli provider takes ${key}` });
    }
  });

export const breakerSchema = z
  .object({
    errorThresholdPercentage: z.number().min(1).max(100).optional(),
    volumeThreshold: z.number().int().min(1).optional(),
    rollingCountTimeout: timerMs(1000).optional(),
    resetTimeout: timerMs(100).optional(),
  })
  .strict();

/** A category in ROUTER_CONFIG: its name is its key; description and keywords may be left out (kept, or empty when new). */
const declaredCategorySchema = z
  .object({
    description: z.string().max(2000).optional(),
    keywords: z.array(keyword).max(2000).optional(),
    chain,
    /** The response cache for this category (docs/CACHE.md); left out, a stored setting is kept. */
    cache: categoryCacheSchema.optional(),
  })
  .strict();

export type DeclaredCategory = z.infer<typeof declaredCategorySchema>;

const healthSchema = z
  .object({
    /** Seconds between probes of each provider; 0 turns them off. */
    intervalS: z.number().min(0).max(86_400).optional(),
    /** Failed probes in a row after which a provider's targets are skipped. */
    failuresBeforeDown: z.number().int().min(1).max(100).optional(),
    /** False: probes are shown, but a provider that fails them is still called. */
    routing: z.boolean().optional(),
  })
  .strict();

export const GROUP_STRATEGIES = ['weighted', 'round-robin', 'least-busy', 'latency', 'first-available', 'cost'] as const;

/** A group's name: no `/` and no `:`, so `group:<name>` can never read as a `provider/model`. */
export const groupName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a group name is 1-64 lowercase letters, digits, _ or -, starting with a letter or digit');

const deploymentSchema = z
  .object({
    /** `provider/model`: the provider whose adapter (and, without an own instance, key and host) it uses. */
    target: z.string().min(3).max(200),
    /** Names an own instance (baseURL, apiKeyEnv) of the provider; required with either. */
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'a deployment name is 1-32 lowercase letters, digits, _ or -').optional(),
    weight: z.number().positive().max(1_000_000).optional(),
    maxConcurrent: z.number().int().min(1).max(100_000).optional(),
    breaker: breakerSchema.optional(),
    baseURL: baseURL.optional(),
    /** The NAME of the environment variable holding this deployment's key; the key itself is never written anywhere. */
    apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'apiKeyEnv is the name of an environment variable (letters, digits, _)').optional(),
  })
  .strict();

export const groupSchema = z
  .object({
    strategy: z.enum(GROUP_STRATEGIES).optional(),
    deployments: z.array(deploymentSchema).min(1).max(64),
    /** Deployments one request may try inside the group before the chain moves on (default: all of them). */
    maxAttempts: z.number().int().min(1).max(64).optional(),
    /** Requests that may wait for a slot when every usable deployment is at maxConcurrent (default 100). */
    queueSize: z.number().int().min(0).max(100_000).optional(),
    /** How long one waits before the walk moves on (default 10 s). */
    queueTimeoutMs: timerMs(0).optional(),
    /** `latency`: scores within this fraction of the best share the load (default 0.2). */
    latencyTolerance: z.number().min(0).max(10).optional(),
    /** `latency`: ms added to a deployment's score per failure, halving every 30 s (default 2000). */
    failurePenaltyMs: z.number().int().min(0).max(600_000).optional(),
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
    /** Categories as code: applied to the store at every start (see docs/CONFIGURATION.md for the precedence). */
    categories: z.record(categoryName, declaredCategorySchema).optional(),
    /** Model aliases: a bare model name → `router/<category>` or a `provider/model` target. */
    aliases: z.record(aliasName, z.string().min(3).max(300)).optional(),
    classifier: classifierPatchSchema.optional(),
    health: healthSchema.optional(),
    /** Deployment groups by name, named in chains as `group:<name>` (see docs/CONFIGURATION.md). */
    groups: z.record(groupName, groupSchema).optional(),
    dialects: dialectsSchema.optional(),
  })
  .strict();

export type GroupDefinition = z.infer<typeof groupSchema>;
export type DeploymentDefinition = GroupDefinition['deployments'][number];

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
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
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
