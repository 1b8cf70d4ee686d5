// The probe each provider type is checked with: a cheap model listing through its official SDK.
import type { ProviderConfig } from '../../config/gateway-config.ts';
import type { ProviderType } from '../chat-provider.ts';
import { listAnthropicModels } from '../anthropic/list-anthropic-models.ts';
import { listGeminiModels } from '../google/list-gemini-models.ts';
import { listOllamaModels } from '../ollama/list-ollama-models.ts';
import { listOpenAIModels } from '../openai/list-openai-models.ts';
import { listCliModels } from '../cli/list-cli-models.ts';

/** A listing is bounded: a host listing more is not believed further. */
export const MAX_LISTED_MODELS = 5000;

export type ListModels = (config: ProviderConfig, signal: AbortSignal) => Promise<string[]>;

export const LIST_MODELS: Record<ProviderType, ListModels> = {
  openai: listOpenAIModels,
  anthropic: listAnthropicModels,
  google: listGeminiModels,
  ollama: listOllamaModels,
  cli: listCliModels,
};

/**
 * Whether `model` is among the listed ids. Ollama names a model without a tag as `:latest`
 * (`llama3.2` is `llama3.2:latest`).
 */
export function isListed(type: ProviderType, model: string, listed: ReadonlySet<string>): boolean {
  if (listed.has(model)) return true;
  return type === 'ollama' && !model.includes(':') && listed.has(`${model}:latest`);
}
