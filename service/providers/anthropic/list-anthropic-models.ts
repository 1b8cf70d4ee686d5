// Health probe for Anthropic: the official SDK's `models.list()` (GET /v1/models, paged).
import { loadAnthropicSdk } from './anthropic-sdk.ts';
import type { ProviderConfig } from '../../config/gateway-config.ts';
import { MAX_LISTED_MODELS } from '../health/list-models.ts';
import { createPooledFetch } from '../pooled-fetch.ts';

export async function listAnthropicModels(config: ProviderConfig, signal: AbortSignal): Promise<string[]> {
  const { default: Anthropic } = await loadAnthropicSdk();
  const client = new Anthropic({
    // Given explicitly so the SDK reads neither ANTHROPIC_* variables nor credential files itself.
    apiKey: config.apiKey ?? 'not-needed',
    authToken: null,
    baseURL: config.baseURL ?? 'https://api.anthropic.com',
    defaultHeaders: config.headers,
    maxRetries: 0,
    // Bounded like every upstream answer: a listing is read whole.
    fetch: createPooledFetch({ provider: config.name }) as never,
  });
  const ids: string[] = [];
  for await (const model of client.models.list({ limit: 1000 }, { signal })) {
    if (typeof model?.id === 'string') ids.push(model.id);
    if (ids.length >= MAX_LISTED_MODELS) break;
  }
  return ids;
}
