// The providers the gateway can call: the built-in ones named by their environment variables, and
// those ROUTER_CONFIG declares (OpenAI-compatible hosts, coding-agent CLIs), merged by name.
import path from 'node:path';
import type { ProviderType } from '../providers/chat-provider.ts';
import type { CliPresetName } from '../providers/cli/cli-preset-names.ts';
import { BASE_ENV, CLI_PRESETS, childEnv } from '../providers/cli/cli-presets.ts';
import type { ConfigFile } from './config-file.ts';
import { baseUrlFrom, headersFrom } from './config-values.ts';

type Env = Record<string, string | undefined>;

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
  /** Set for `type: "cli"`: how to run the coding-agent CLI (docs/CLI-PROVIDERS.md). */
  cli?: CliSettings;
}

export interface CliSettings {
  preset: CliPresetName | undefined;
  /** A custom command: executable and arguments with {prompt} and {model} placeholders. */
  command: string[] | undefined;
  /** The models it offers; empty = any model id is passed on. */
  models: string[];
  maxConcurrent: number;
  /** Calls waiting for a slot beyond which a call is refused (429) at once. */
  maxQueue: number;
  timeoutMs: number;
  /** A fixed working directory; unset = a fresh temporary one per call. */
  cwd: string | undefined;
  /** The child's whole environment: what its preset needs from the gateway's, plus the configured `env`. */
  env: Record<string, string>;
}

export function buildProviders(env: Env, file: ConfigFile): ProviderConfig[] {
  const builtIn: ProviderConfig[] = [
    keyed('openai', 'openai', env.OPENAI_API_KEY, baseUrlFrom(env.OPENAI_BASE_URL, 'OPENAI_BASE_URL') ?? 'https://api.openai.com/v1', ['OPENAI_API_KEY']),
    keyed('openrouter', 'openai', env.OPENROUTER_API_KEY, baseUrlFrom(env.OPENROUTER_BASE_URL, 'OPENROUTER_BASE_URL') ?? 'https://openrouter.ai/api/v1', ['OPENROUTER_API_KEY'], {
      headers: headersFrom({ 'HTTP-Referer': { env: 'OPENROUTER_REFERER', value: env.OPENROUTER_REFERER }, 'X-Title': { env: 'OPENROUTER_TITLE', value: env.OPENROUTER_TITLE } }),
    }),
    keyed('anthropic', 'anthropic', env.ANTHROPIC_API_KEY, baseUrlFrom(env.ANTHROPIC_BASE_URL, 'ANTHROPIC_BASE_URL'), ['ANTHROPIC_API_KEY']),
    keyed('google', 'google', env.GEMINI_API_KEY || env.GOOGLE_API_KEY, baseUrlFrom(env.GEMINI_BASE_URL, 'GEMINI_BASE_URL'), ['GEMINI_API_KEY', 'GOOGLE_API_KEY']),
    {
      // Ollama needs no key; it counts as configured once its host is named, so a fresh
      // start without Ollama answers 503 at once instead of trying a server that is not there.
      name: 'ollama',
      type: 'ollama',
      // Ollama's own clients accept a bare host:port here, so an address without a scheme is http.
      baseURL: baseUrlFrom(env.OLLAMA_HOST && !env.OLLAMA_HOST.includes('://') ? `http://${env.OLLAMA_HOST}` : env.OLLAMA_HOST, 'OLLAMA_HOST') ?? 'http://127.0.0.1:11434',
      apiKey: undefined,
      configured: Boolean(env.OLLAMA_HOST),
      envHint: ['OLLAMA_HOST'],
      headers: {},
      options: {},
    },
  ];
  const byName = new Map(builtIn.map((p) => [p.name, p]));
  for (const [name, spec] of Object.entries(file.providers ?? {})) {
    if (spec.type === 'cli') {
      byName.set(name, cliProvider(name, spec, env));
      continue;
    }
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

type ProviderSpec = NonNullable<ConfigFile['providers']>[string];

/** A coding-agent CLI needs no key here (it has its own login): it counts as configured, and a missing binary or login fails its calls. */
function cliProvider(name: string, spec: ProviderSpec, env: Env): ProviderConfig {
  const preset = spec.preset ? CLI_PRESETS[spec.preset] : undefined;
  const names = [...BASE_ENV, ...(preset?.inheritEnv ?? [])];
  return {
    name,
    type: 'cli',
    baseURL: undefined,
    apiKey: undefined,
    configured: true,
    envHint: [],
    headers: {},
    options: spec.options ?? {},
    cli: {
      preset: spec.preset,
      command: spec.command,
      models: spec.models ?? [],
      maxConcurrent: spec.maxConcurrent ?? 2,
      maxQueue: spec.maxQueue ?? 16,
      timeoutMs: spec.timeoutMs ?? 120_000,
      cwd: spec.cwd ? path.resolve(spec.cwd) : undefined,
      env: childEnv(names, preset?.fixedEnv ?? {}, spec.env ?? {}, env),
    },
  };
}

