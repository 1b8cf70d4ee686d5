// Builds one adapter per configured provider and answers which ones can be called.
import type { ProviderConfig } from '../config/gateway-config.ts';
import type { ChatProvider, ProviderType, TargetCapabilities } from './chat-provider.ts';
import { knownCapabilities } from './model-capabilities.ts';
import { OpenAIChatProvider } from './openai/openai-chat-provider.ts';
import { DEFAULT_UPSTREAM_LIMITS, type UpstreamLimits } from './openai/upstream-limits.ts';
import { GoogleProvider } from './google-provider.ts';
import { AnthropicProvider } from './anthropic-provider.ts';
import { OllamaProvider } from './ollama-provider.ts';
import { CliProvider } from './cli/cli-provider.ts';
import { registerSecret } from './secret-redaction.ts';
import { createPooledFetch } from './pooled-fetch.ts';

export type ProviderFactory = (config: ProviderConfig, limits: UpstreamLimits) => ChatProvider;

const FACTORIES: Partial<Record<ProviderType, ProviderFactory>> = {
  openai: (config, limits) => new OpenAIChatProvider(config, limits),
  google: (config, limits) => new GoogleProvider(config, limits),
  anthropic: (config, limits) => new AnthropicProvider(config, createPooledFetch({ provider: config.name, ...limits })),
  ollama: (config, limits) => new OllamaProvider(config, createPooledFetch({ provider: config.name, ...limits })),
  cli: (config) => new CliProvider(config),
};

export interface ProviderEntry {
  config: ProviderConfig;
  /** Undefined when the provider lacks credentials: its targets are skipped without a call. */
  adapter: ChatProvider | undefined;
}

export class ProviderRegistry {
  readonly #entries = new Map<string, ProviderEntry>();
  readonly #factories: Partial<Record<ProviderType, ProviderFactory>>;
  readonly #limits: UpstreamLimits;

  constructor(configs: ProviderConfig[], factories: Partial<Record<ProviderType, ProviderFactory>> = FACTORIES, limits: UpstreamLimits = DEFAULT_UPSTREAM_LIMITS) {
    this.#factories = factories;
    this.#limits = limits;
    for (const config of configs) this.#entries.set(config.name, this.build(config));
  }

  /**
   * An adapter for `config` made as the registry makes its own (credentials registered for
   * redaction), without adding it: a deployment group's own instance of a provider.
   */
  build(config: ProviderConfig): ProviderEntry {
    registerCredentials(config);
    const factory = this.#factories[config.type];
    if (config.configured && !factory) throw new Error(`provider "${config.name}": type "${config.type}" is not supported`);
    return { config, adapter: config.configured && factory ? factory(config, this.#limits) : undefined };
  }

  get(name: string): ProviderEntry | undefined {
    return this.#entries.get(name);
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  names(): string[] {
    return [...this.#entries.keys()];
  }

  configs(): ProviderConfig[] {
    return [...this.#entries.values()].map((e) => e.config);
  }

  /**
   * What a target supports: the documented facts about its model, and for Ollama the window the
   * server is configured to use (`options.num_ctx`), which is what a request actually gets there.
   */
  capabilities(provider: string, model: string): TargetCapabilities {
    const known = knownCapabilities(model);
    const entry = this.#entries.get(provider);
    // A command-line agent answers in text only: it cannot return tool calls or see images.
    if (entry?.config.type === 'cli') return { tools: false, streaming: true, images: false };
    if (entry?.config.type === 'ollama') {
      const numCtx = Number(entry.config.options.num_ctx);
      return { ...known, contextWindow: Number.isFinite(numCtx) && numCtx > 0 ? numCtx : undefined };
    }
    return known;
  }
}

/**
 * Every credential a provider is configured with, so no upstream text can carry it back out:
 * the key, every configured header value (some hosts take their key in a custom header), and a
 * password or token written into the base URL.
 */
function registerCredentials(config: ProviderConfig): void {
  if (config.apiKey) registerSecret(config.apiKey);
  for (const value of Object.values(config.headers ?? {})) registerSecret(value);
  if (config.baseURL && URL.canParse(config.baseURL)) {
    const url = new URL(config.baseURL);
    for (const part of [url.password, url.username]) if (part) registerSecret(part), registerSecret(decodeOrSelf(part));
    for (const [name, value] of url.searchParams) if (/key|token|secret|auth/i.test(name)) registerSecret(value);
  }
}

function decodeOrSelf(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
