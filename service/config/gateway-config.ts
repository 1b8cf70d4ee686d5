// Configuration, read once at start into a typed object. Nothing below reads process.env.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { ClassifierSettings } from '../classify/configurable-classifier.ts';
import type { UpstreamLimits } from '../providers/openai/upstream-limits.ts';
import { parseTarget } from '../plan/target.ts';
import { groupProblem } from '../walk/groups/group-definition.ts';
import { readConfigFile, type DeclaredCategory, type GroupDefinition } from './config-file.ts';
import { buildProviders, type ProviderConfig } from './provider-config.ts';
import { ConfigError, MAX_TIMER_MS, durationMsFrom, hostFrom, keyListFrom, numberFrom, portFrom, corsOriginsFrom } from './config-values.ts';

export interface BreakerOptions {
  /** Percent of failed calls in the window above which the breaker opens. */
  errorThresholdPercentage: number;
  /** Calls in the window before the percentage is considered. */
  volumeThreshold: number;
  rollingCountTimeout: number;
  /** Time open before one probe is let through (half-open). */
  resetTimeout: number;
}

/** What ROUTER_CONFIG declares beyond providers and timers: applied to the store at start (apply-declared-config.ts). */
export interface DeclaredConfig {
  categories: Record<string, DeclaredCategory>;
  /** Alias name → `router/<category>` or `provider/model`. */
  aliases: Record<string, string>;
  classifier: Partial<ClassifierSettings> | undefined;
}

export interface HealthOptions {
  /** Between probes of each provider; 0 turns probing off (ROUTER_HEALTH_INTERVAL_S). */
  intervalMs: number;
  /** Failed probes in a row after which a provider counts as down (ROUTER_HEALTH_FAILURES). */
  failuresBeforeDown: number;
  /** Health-aware routing: a down provider's targets are skipped like open breakers (ROUTER_HEALTH_ROUTING). */
  routing: boolean;
}

export interface DialectSettings {
  /** Anthropic Messages streams: a ping this often while no target has answered (Claude Code gives up on a silent stream). */
  pingIntervalMs: number;
  /** x-claude-code-request-class value → the category such requests are forced into. */
  requestClassCategories: Record<string, string>;
  /** How long a /v1/responses answer stored with store: true can be named by previous_response_id. */
  responsesStoreTtlMs: number;
}

export interface GatewayConfig {
  port: number;
  host: string;
  dbPath: string;
  /** ROUTER_DATABASE_URL: the whole store on PostgreSQL (several replicas share it); unset, the SQLite file at dbPath. */
  databaseUrl?: string;
  adminKey: string | undefined;
  /** ROUTER_API_KEYS: when non-empty, the chat, classify and models routes need one of them as a bearer key. */
  clientKeys: string[];
  /** ROUTER_CORS_ORIGINS: browser origins allowed to call the OpenAI-compatible routes (never the admin ones); empty = no CORS. */
  corsOrigins: string[];
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
  /** Least time between two request-log writes (the longest a row waits; what kill -9 can lose); 0 writes at the end of every event-loop turn. */
  logFlushMs: number;
  /** ROUTER_LOG_BUFFER_ROWS: request-log rows held while the store refuses writes; past it the oldest are dropped and counted. */
  logBufferRows: number;
  /** ROUTER_LOG_RETENTION_DAYS: request-log rows older than this are pruned. */
  logRetentionDays: number;
  /** ROUTER_LOG_MAX_ROWS: past this many rows the oldest are pruned. */
  logMaxRows: number;
  shutdownGraceMs: number;
  /** ROUTER_WORKERS: worker processes on the one port (node:cluster); 1 is a single process, as before. */
  workers: number;
  /** How much of an upstream answer is held: a plain answer whole, a stream one line at a time. */
  upstreamLimits: UpstreamLimits;
  /** The longest a 429's Retry-After keeps a target out of the walk (ROUTER_MAX_COOLDOWN_S). */
  maxCooldownMs: number;
  /** The classifier's settings at start (ROUTER_CLASSIFIER…); settings changed over /config are stored and win. */
  classifier: ClassifierSettings;
  declared: DeclaredConfig;
  health: HealthOptions;
  /** Deployment groups from ROUTER_CONFIG `groups`; groups changed over /config are stored and win by name. */
  groups: Record<string, GroupDefinition>;
  /** A deployment's key by the name of its environment variable (`apiKeyEnv`); the key is never stored. */
  keyFromEnv?: (name: string) => string | undefined;
  /** The Responses and Anthropic Messages routes (ROUTER_CONFIG "dialects"). */
  dialects: DialectSettings;
  /** The response cache (ROUTER_CACHE…); categories can turn it on for themselves. See docs/CACHE.md. */
  cache: { enabled: boolean; ttlMs: number; maxBytes: number; keyStrategy: 'sha256' | 'cid'; coalesceWaitMs: number };
  /** Reads the same environment and ROUTER_CONFIG again (POST /config/reload); throws ConfigError like the first read. */
  reread: () => GatewayConfig;
}

const ROOT = path.resolve(import.meta.dirname, '..', '..');

export { ConfigError } from './config-values.ts';
export type { CliSettings, ProviderConfig } from './provider-config.ts';
export type { ConfigFile } from './config-file.ts';

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): GatewayConfig {
  const configFile = env.ROUTER_CONFIG || undefined;
  const file = configFile ? readConfigFile(configFile) : {};
  const providers = buildProviders(env, file);
  for (const [name, group] of Object.entries(file.groups ?? {})) {
    const problem = groupProblem(name, group, { knownProvider: (p) => providers.some((c) => c.name === p), fromAdmin: false });
    if (problem) throw new ConfigError(`ROUTER_CONFIG ${configFile}: groups.${name}.${problem}`);
  }
  if (env.ROUTER_DB === ':memory:' && workersFrom(env.ROUTER_WORKERS) > 1 && !env.ROUTER_DATABASE_URL) {
    throw new ConfigError('ROUTER_DB=:memory: cannot be shared by ROUTER_WORKERS worker processes (each would have its own empty store); use a file');
  }
  return {
    port: portFrom(env.PORT, 3456, 'PORT'),
    host: hostFrom(env.HOST, '127.0.0.1', 'HOST'),
    // ':memory:' is SQLite's name for a database that lives and dies with the process, not a file.
    dbPath: env.ROUTER_DB === ':memory:' ? ':memory:' : path.resolve(env.ROUTER_DB || path.join(ROOT, 'data', 'router.db')),
    databaseUrl: databaseUrlFrom(env.ROUTER_DATABASE_URL),
    adminKey: env.ROUTER_ADMIN_KEY || undefined,
    clientKeys: keyListFrom(env.ROUTER_API_KEYS, 'ROUTER_API_KEYS'),
    corsOrigins: corsOriginsFrom(env.ROUTER_CORS_ORIGINS, 'ROUTER_CORS_ORIGINS'),
    // Below 0.1 MB an ordinary chat request would not fit; above 1 GB a body read whole is not sensible.
    maxBodyBytes: Math.round(numberFrom(env.ROUTER_MAX_BODY_MB, 10, 'ROUTER_MAX_BODY_MB', 0.1, 1024) * 1024 * 1024),
    configFile,
    categoriesDir: env.ROUTER_CATEGORIES_DIR || path.join(ROOT, 'categories'),
    pricingDir: env.ROUTER_PRICING_DIR || path.join(ROOT, 'pricing'),
    providers,
    breaker: {
      errorThresholdPercentage: file.breaker?.errorThresholdPercentage ?? 50,
      volumeThreshold: file.breaker?.volumeThreshold ?? 5,
      rollingCountTimeout: file.breaker?.rollingCountTimeout ?? 60_000,
      resetTimeout: durationMsFrom(env.ROUTER_BREAKER_RESET_MS, file.breaker?.resetTimeout ?? 30_000, 'ROUTER_BREAKER_RESET_MS', { min: 100 }),
    },
    breakerOverrides: file.breakers ?? {},
    attemptTimeoutMs: durationMsFrom(env.ROUTER_ATTEMPT_TIMEOUT_MS, file.attemptTimeoutMs ?? 120_000, 'ROUTER_ATTEMPT_TIMEOUT_MS', { min: 100 }),
    requestTimeoutMs: durationMsFrom(env.ROUTER_REQUEST_TIMEOUT_MS, 300_000, 'ROUTER_REQUEST_TIMEOUT_MS', { min: 100 }),
    logFlushMs: durationMsFrom(env.ROUTER_LOG_FLUSH_MS, 20, 'ROUTER_LOG_FLUSH_MS', { min: 0, max: 60_000 }),
    logBufferRows: Math.floor(numberFrom(env.ROUTER_LOG_BUFFER_ROWS, 10_000, 'ROUTER_LOG_BUFFER_ROWS', 10, 10_000_000)),
    logRetentionDays: numberFrom(env.ROUTER_LOG_RETENTION_DAYS, 30, 'ROUTER_LOG_RETENTION_DAYS', 0.001, 36_500),
    logMaxRows: Math.floor(numberFrom(env.ROUTER_LOG_MAX_ROWS, 1_000_000, 'ROUTER_LOG_MAX_ROWS', 1, Number.MAX_SAFE_INTEGER)),
    shutdownGraceMs: durationMsFrom(env.ROUTER_SHUTDOWN_GRACE_MS, 10_000, 'ROUTER_SHUTDOWN_GRACE_MS', { min: 1 }),
    workers: workersFrom(env.ROUTER_WORKERS),
    upstreamLimits: {
      maxAnswerBytes: Math.round(numberFrom(env.ROUTER_MAX_UPSTREAM_MB, 16, 'ROUTER_MAX_UPSTREAM_MB', 0.1, 1024) * 1024 * 1024),
      maxEventBytes: Math.round(numberFrom(env.ROUTER_MAX_EVENT_KB, 1024, 'ROUTER_MAX_EVENT_KB', 1, 65536) * 1024),
    },
    // A cool-down is a timer too: past 2^31-1 ms Node would end it after 1 ms.
    maxCooldownMs: Math.round(numberFrom(env.ROUTER_MAX_COOLDOWN_S, 300, 'ROUTER_MAX_COOLDOWN_S', 1, Math.floor(MAX_TIMER_MS / 1000)) * 1000),
    classifier: classifierFrom(env, providers),
    declared: { categories: file.categories ?? {}, aliases: file.aliases ?? {}, classifier: file.classifier },
    health: {
      intervalMs: Math.round(numberFrom(env.ROUTER_HEALTH_INTERVAL_S, file.health?.intervalS ?? 60, 'ROUTER_HEALTH_INTERVAL_S', 0, 86_400) * 1000),
      failuresBeforeDown: Math.round(numberFrom(env.ROUTER_HEALTH_FAILURES, file.health?.failuresBeforeDown ?? 3, 'ROUTER_HEALTH_FAILURES', 1, 100)),
      routing: booleanFrom(env.ROUTER_HEALTH_ROUTING, file.health?.routing ?? true, 'ROUTER_HEALTH_ROUTING'),
    },
    groups: file.groups ?? {},
    keyFromEnv: (name) => env[name],
    dialects: {
      pingIntervalMs: file.dialects?.pingIntervalMs ?? 10_000,
      requestClassCategories: Object.fromEntries(Object.entries(file.dialects?.claudeCodeRequestClasses ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string')),
      responsesStoreTtlMs: (file.dialects?.responsesStoreTtlS ?? 24 * 3600) * 1000,
    },
    cache: cacheFrom(env),
    reread: () => loadConfig(env),
  };
}

/** A postgres:// URL, or undefined (the SQLite file). The message never repeats the URL: it may hold a password. */
function databaseUrlFrom(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('ROUTER_DATABASE_URL is not a URL; it looks like postgres://user:password@host:5432/database');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigError(`ROUTER_DATABASE_URL must start with postgres:// or postgresql://, not ${parsed.protocol}//`);
  }
  return url;
}

function booleanFrom(value: string | undefined, fallback: boolean, name: string): boolean {
  if (value === undefined || value === '') return fallback;
  if (/^(1|true|on|yes)$/i.test(value)) return true;
  if (/^(0|false|off|no)$/i.test(value)) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}"`);
}

function cacheFrom(env: Env): GatewayConfig['cache'] {
  const switchValue = (env.ROUTER_CACHE || 'off').toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(switchValue)) throw new ConfigError(`ROUTER_CACHE must be on or off, got "${env.ROUTER_CACHE}"`);
  const keyStrategy = env.ROUTER_CACHE_KEY || 'sha256';
  if (keyStrategy !== 'sha256' && keyStrategy !== 'cid') throw new ConfigError(`ROUTER_CACHE_KEY must be sha256 or cid, got "${keyStrategy}"`);
  return {
    enabled: switchValue === 'on' || switchValue === 'true' || switchValue === '1',
    ttlMs: Math.round(numberFrom(env.ROUTER_CACHE_TTL_S, 3600, 'ROUTER_CACHE_TTL_S', 1, 365 * 86_400) * 1000),
    maxBytes: Math.round(numberFrom(env.ROUTER_CACHE_MAX_MB, 256, 'ROUTER_CACHE_MAX_MB', 0.001, 1024 * 1024) * 1024 * 1024),
    keyStrategy,
    coalesceWaitMs: durationMsFrom(env.ROUTER_CACHE_COALESCE_MS, 60_000, 'ROUTER_CACHE_COALESCE_MS', { min: 0 }),
  };
}

function classifierFrom(env: Env, providers: ProviderConfig[]): ClassifierSettings {
  const mode = env.ROUTER_CLASSIFIER || 'keyword';
  if (mode !== 'keyword' && mode !== 'llm' && mode !== 'hybrid') throw new ConfigError(`ROUTER_CLASSIFIER must be keyword, llm or hybrid, got "${mode}"`);
  const model = env.ROUTER_CLASSIFIER_MODEL || null;
  if (mode !== 'keyword' && !model) throw new ConfigError(`ROUTER_CLASSIFIER=${mode} needs ROUTER_CLASSIFIER_MODEL (a provider/model target, e.g. ollama/qwen3:1.7b)`);
  if (model) {
    const target = parseTarget(model);
    if (!target) throw new ConfigError(`ROUTER_CLASSIFIER_MODEL must be a provider/model target, got "${model}"`);
    if (!providers.some((p) => p.name === target.provider)) {
      throw new ConfigError(`ROUTER_CLASSIFIER_MODEL "${model}" names unknown provider "${target.provider}" (known: ${providers.map((p) => p.name).join(', ')})`);
    }
  }
  const toolsPolicy = env.ROUTER_TOOLS_POLICY || 'auto';
  if (toolsPolicy !== 'auto' && toolsPolicy !== 'intent' && toolsPolicy !== 'present') {
    throw new ConfigError(`ROUTER_TOOLS_POLICY must be auto, intent or present, got "${toolsPolicy}"`);
  }
  const threshold = env.ROUTER_CLASSIFIER_THRESHOLD === undefined ? 0.5 : Number(env.ROUTER_CLASSIFIER_THRESHOLD);
  if (!(threshold >= 0 && threshold <= 1)) throw new ConfigError(`ROUTER_CLASSIFIER_THRESHOLD must be between 0 and 1, got "${env.ROUTER_CLASSIFIER_THRESHOLD}"`);
  return {
    mode,
    model,
    timeoutMs: durationMsFrom(env.ROUTER_CLASSIFIER_TIMEOUT_MS, 1500, 'ROUTER_CLASSIFIER_TIMEOUT_MS', { min: 10 }),
    hybridThreshold: threshold,
    toolsPolicy,
    boilerplatePatterns: null,
  };
}

/** `auto` is one worker per core the process may use; a number is taken as it is. */
function workersFrom(value: string | undefined): number {
  if (value?.trim().toLowerCase() === 'auto') return availableParallelism();
  const n = numberFrom(value, 1, 'ROUTER_WORKERS', 1, 256);
  if (!Number.isInteger(n)) throw new ConfigError(`ROUTER_WORKERS must be a whole number or "auto", got "${value}"`);
  return n;
}
