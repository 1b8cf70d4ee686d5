// Builds one adapter per configured provider and answers which ones can be called.
import type { ProviderConfig } from '../config/gateway-config.ts';
import { DEFAULT_CAPABILITIES, type ChatProvider, type ProviderType, type TargetCapabilities } from './chat-provider.ts';
import { OpenAIProvider } from './openai-provider.ts';
import { GoogleProvider } from './google-provider.ts';
import { AnthropicProvider } from './anthropic-provider.ts';
import { OllamaProvider } from './ollama-provider.ts';

export type ProviderFactory = (config: ProviderConfig) => ChatProvider;

const FACTORIES: Partial<Record<ProviderType, ProviderFactory>> = {
  openai: (config) => new OpenAIProvider(config),
  google: (config) => new GoogleProvider(config),
  anthropic: (config) => new AnthropicProvider(config),
  ollama: (config) => new OllamaProvider(config),
};

export interface ProviderEntry {
  config: ProviderConfig;
  /** Undefined when the provider lacks credentials: its targets are skipped without a call. */
  adapter: ChatProvider | undefined;
}

export class ProviderRegistry {
  readonly #entries = new Map<string, ProviderEntry>();

  constructor(configs: ProviderConfig[], factories: Partial<Record<ProviderType, ProviderFactory>> = FACTORIES) {
    for (const config of configs) {
      const factory = factories[config.type];
      if (config.configured && !factory) throw new Error(`provider "${config.name}": type "${config.type}" is not supported`);
      this.#entries.set(config.name, { config, adapter: config.configured && factory ? factory(config) : undefined });
    }
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

  /** What a target supports; adapters may know more per model, the default assumes the common case. */
  capabilities(_provider: string, _model: string): TargetCapabilities {
    return DEFAULT_CAPABILITIES;
  }
}
