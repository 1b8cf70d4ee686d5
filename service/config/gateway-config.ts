// Configuration, read once at start into a typed object. Nothing below reads process.env.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ProviderType } from '../providers/chat-provider.ts';
import type { ClassifierSettings } from '../classify/configurable-classifier.ts';
import type { UpstreamLimits } from '../providers/openai/upstream-limits.ts';

export interface ProviderConfig {
  name: string;
  type: ProviderType;
  baseURL: string | undefined;
  apiKey: string | undefined;
  /** False when a key it needs is missing: its targets are skipped without a call. */
  configured: boolean;
  /** The environment variables that would configure it (its key, or Ollama's host), for error messages and /config. */
  envHint: string[];
  headers: Record<string, string>;
  /** Provider-specific extras (e.g. Anthropic's default max_tokens). */
  options: Record<string, unknown>;
}

export interface BreakerOptions {
  /** Percent of failed calls in the window above which the breaker opens. */
  errorThresholdPercentage: number;
  /** Calls in the window before the percentage is considered. */
  volumeThreshold: number;
  rollingCountTimeout: number;
  /** Time open before one probe is let through (half-open). */
  resetTimeout: number;
}

export interface GatewayConfig {
  port: number;
  host: string;
  dbPath: string;
  adminKey: string | undefined;
  /** ROUTER_API_KEYS: when non-empty, the chat, classify and models routes need one of them as a bearer key. */
  clientKeys: string[];
  maxBodyBytes: number;
  configFile: string | undefined;
  categoriesDir: string;
  pricingDir: string;
  providers: ProviderConfig[];
  breaker: BreakerOptions;
  /** Options for particular targets, each merged over `breaker`. */
  breakerOverrides: Record<string, Partial<BreakerOptions>>;
  attemptTimeoutMs: number;
  requestTimeoutMs: number;
  /** How often the batched request log is written to SQLite. */
  logFlushMs: number;
  shutdownGraceMs: number;
  /** How much of an upstream answer is held: a plain answer whole, a stream one line at a time. */
  upstreamLimits: UpstreamLimits;
  /** The longest a 429's Retry-After keeps a target out of the walk (ROUTER_MAX_COOLDOWN_S). */
  maxCooldownMs: number;
  /** The classifier's settings at start (ROUTER_CLASSIFIER…); settings changed over /config are stored and win. */
  classifier: ClassifierSettings;
  /** Reads the same environment and ROUTER_CONFIG again (POST /config/reload); throws ConfigError like the first read. */
  reread: () => GatewayConfig;
}

const ROOT = path.resolve(import.meta.dirname, '..', '..');

const providerFileSchema = z.object({
  type: z.enum(['openai', 'anthropic', 'google', 'ollama']),
  baseURL: z.string().url().optional(),
  apiKeyEnv: z.string().optional(),
  apiKey: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
});

const breakerSchema = z
  .object({
    errorThresholdPercentage: z.number().min(1).max(100).optional(),
    volumeThreshold: z.number().int().min(1).optional(),
    rollingCountTimeout: z.number().int().min(1000).optional(),
    resetTimeout: z.number().int().min(100).optional(),
  })
  .strict();

const configFileSchema = z.object({
  providers: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'provider names are letters, digits, _ . -'), providerFileSchema).optional(),
  breaker: breakerSchema.optional(),
  /** Per target (`provider/model`): breaker options that differ from the defaults above. */
  breakers: z.record(z.string().regex(/^[^/]+\/.+$/, 'breaker keys are provider/model targets'), breakerSchema).optional(),
  attemptTimeoutMs: z.number().int().min(100).optional(),
});

export type ConfigFile = z.infer<typeof configFileSchema>;

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): GatewayConfig {
  const configFile = env.ROUTER_CONFIG || undefined;
  const file = configFile ? readConfigFile(configFile) : {};
  return {
    port: intFrom(env.PORT, 3456, 'PORT'),
    host: env.HOST || '127.0.0.1',
    dbPath: path.resolve(env.ROUTER_DB || path.join(ROOT, 'data', 'router.db')),
    adminKey: env.ROUTER_ADMIN_KEY || undefined,
    clientKeys: (env.ROUTER_API_KEYS ?? '').split(',').map((k) => k.trim()).filter(Boolean),
    maxBodyBytes: Math.round(numberFrom(env.ROUTER_MAX_BODY_MB, 10, 'ROUTER_MAX_BODY_MB') * 1024 * 1024),
    configFile,
    categoriesDir: env.ROUTER_CATEGORIES_DIR || path.join(ROOT, 'categories'),
    pricingDir: env.ROUTER_PRICING_DIR || path.join(ROOT, 'pricing'),
    providers: buildProviders(env, file),
    breaker: {
      errorThresholdPercentage: file.breaker?.errorThresholdPercentage ?? 50,
      volumeThreshold: file.breaker?.volumeThreshold ?? 5,
      rollingCountTimeout: file.breaker?.rollingCountTimeout ?? 60_000,
      resetTimeout: intFrom(env.ROUTER_BREAKER_RESET_MS, file.breaker?.resetTimeout ?? 30_000, 'ROUTER_BREAKER_RESET_MS'),
    },
    breakerOverrides: file.breakers ?? {},
    attemptTimeoutMs: intFrom(env.ROUTER_ATTEMPT_TIMEOUT_MS, file.attemptTimeoutMs ?? 120_000, 'ROUTER_ATTEMPT_TIMEOUT_MS'),
    requestTimeoutMs: intFrom(env.ROUTER_REQUEST_TIMEOUT_MS, 300_000, 'ROUTER_REQUEST_TIMEOUT_MS'),
    logFlushMs: intFrom(env.ROUTER_LOG_FLUSH_MS, 500, 'ROUTER_LOG_FLUSH_MS'),
    shutdownGraceMs: intFrom(env.ROUTER_SHUTDOWN_GRACE_MS, 10_000, 'ROUTER_SHUTDOWN_GRACE_MS'),
    upstreamLimits: {
      maxAnswerBytes: Math.round(numberFrom(env.ROUTER_MAX_UPSTREAM_MB, 16, 'ROUTER_MAX_UPSTREAM_MB') * 1024 * 1024),
      maxEventBytes: Math.round(numberFrom(env.ROUTER_MAX_EVENT_KB, 1024, 'ROUTER_MAX_EVENT_KB') * 1024),
    },
    maxCooldownMs: Math.round(numberFrom(env.ROUTER_MAX_COOLDOWN_S, 300, 'ROUTER_MAX_COOLDOWN_S') * 1000),
    classifier: classifierFrom(env),
    reread: () => loadConfig(env),
  };
}

function classifierFrom(env: Env): ClassifierSettings {
  const mode = env.ROUTER_CLASSIFIER || 'keyword';
  if (mode !== 'keyword' && mode !== 'llm' && mode !== 'hybrid') throw new ConfigError(`ROUTER_CLASSIFIER must be keyword, llm or hybrid, got "${mode}"`);
  const model = env.ROUTER_CLASSIFIER_MODEL || null;
  if (mode !== 'keyword' && !model) throw new ConfigError(`ROUTER_CLASSIFIER=${mode} needs ROUTER_CLASSIFIER_MODEL (a provider/model target, e.g. ollama/qwen3:1.7b)`);
  const toolsPolicy = env.ROUTER_TOOLS_POLICY || 'intent';
  if (toolsPolicy !== 'intent' && toolsPolicy !== 'present') throw new ConfigError(`ROUTER_TOOLS_POLICY must be intent or present, got "${toolsPolicy}"`);
  const threshold = env.ROUTER_CLASSIFIER_THRESHOLD === undefined ? 0.5 : Number(env.ROUTER_CLASSIFIER_THRESHOLD);
  if (!(threshold >= 0 && threshold <= 1)) throw new ConfigError(`ROUTER_CLASSIFIER_THRESHOLD must be between 0 and 1, got "${env.ROUTER_CLASSIFIER_THRESHOLD}"`);
  return {
    mode,
    model,
    timeoutMs: intFrom(env.ROUTER_CLASSIFIER_TIMEOUT_MS, 1500, 'ROUTER_CLASSIFIER_TIMEOUT_MS'),
    hybridThreshold: threshold,
    toolsPolicy,
    boilerplatePatterns: null,
  };
}

function buildProviders(env: Env, file: ConfigFile): ProviderConfig[] {
  const builtIn: ProviderConfig[] = [
    keyed('openai', 'openai', env.OPENAI_API_KEY, env.OPENAI_BASE_URL || 'https://api.openai.com/v1', ['OPENAI_API_KEY']),
    keyed('openrouter', 'openai', env.OPENROUTER_API_KEY, env.OPENROUTER_BASE_URL || 'https://openrouter.ai/api/v1', ['OPENROUTER_API_KEY'], {
      headers: compact({ 'HTTP-Referer': env.OPENROUTER_REFERER, 'X-Title': env.OPENROUTER_TITLE }),
    }),
    keyed('anthropic', 'anthropic', env.ANTHROPIC_API_KEY, env.ANTHROPIC_BASE_URL || undefined, ['ANTHROPIC_API_KEY']),
    keyed('google', 'google', env.GEMINI_API_KEY || env.GOOGLE_API_KEY, env.GEMINI_BASE_URL || undefined, ['GEMINI_API_KEY', 'GOOGLE_API_KEY']),
    {
      // Ollama needs no key; it counts as configured once its host is named, so a fresh
      // start without Ollama answers 503 at once instead of trying a server that is not there.
      name: 'ollama',
      type: 'ollama',
      baseURL: env.OLLAMA_HOST || 'http://127.0.0.1:11434',
      apiKey: undefined,
      configured: Boolean(env.OLLAMA_HOST),
      envHint: ['OLLAMA_HOST'],
      headers: {},
      options: {},
    },
  ];
  const byName = new Map(builtIn.map((p) => [p.name, p]));
  for (const [name, spec] of Object.entries(file.providers ?? {})) {
    const apiKey = spec.apiKey ?? (spec.apiKeyEnv ? env[spec.apiKeyEnv] : undefined);
    const needsKey = spec.type !== 'ollama' && (spec.apiKeyEnv !== undefined || spec.apiKey !== undefined);
    byName.set(name, {
      name,
      type: spec.type,
      baseURL: spec.baseURL ?? byName.get(name)?.baseURL,
      apiKey,
      // A named host with no key variable is taken as keyless (a local vLLM, LM Studio, Ollama…).
      configured: needsKey ? Boolean(apiKey) : Boolean(spec.baseURL ?? byName.get(name)?.configured),
      envHint: spec.apiKeyEnv ? [spec.apiKeyEnv] : [],
      headers: spec.headers ?? {},
      options: spec.options ?? {},
    });
  }
  return [...byName.values()];
}

function keyed(
  name: string,
  type: ProviderType,
  apiKey: string | undefined,
  baseURL: string | undefined,
  envHint: string[],
  extra: Partial<ProviderConfig> = {},
): ProviderConfig {
  return { name, type, baseURL, apiKey: apiKey || undefined, configured: Boolean(apiKey), envHint, headers: {}, options: {}, ...extra };
}

function compact(record: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).filter((e): e is [string, string] => Boolean(e[1])));
}

function readConfigFile(file: string): ConfigFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`ROUTER_CONFIG ${file}: ${(error as Error).message}`);
  }
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`ROUTER_CONFIG ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

function numberFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number, got "${value}"`);
  return n;
}

function intFrom(value: string | undefined, fallback: number, name: string): number {
  return Math.round(numberFrom(value, fallback, name));
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}
