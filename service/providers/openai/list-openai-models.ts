// Health probe for OpenAI-family hosts: the official SDK's `models.list()` (GET {baseURL}/models).
import type { ProviderConfig } from '../../config/gateway-config.ts';
import { MAX_LISTED_MODELS } from '../health/list-models.ts';
import { createPooledFetch } from '../pooled-fetch.ts';

export async function listOpenAIModels(config: ProviderConfig, signal: AbortSignal): Promise<string[]> {
  // Loaded on the first probe: a gateway with no OpenAI-family host never pays for the SDK.
  const { default: OpenAI } = await import('openai');
  const client = new OpenAI({
    // Every option given, so the SDK reads no OPENAI_* variable of its own.
    apiKey: config.apiKey ?? 'unused',
    adminAPIKey: null,
    organization: null,
    project: null,
    baseURL: config.baseURL ?? 'https://api.openai.com/v1',
    // A keyless host (vLLM, LM Studio) is sent no Authorization header, as the chat adapter does.
    defaultHeaders: { ...config.headers, ...(config.apiKey ? {} : { authorization: null }) } as Record<string, string>,
    maxRetries: 0,
    // Bounded like every upstream answer: a listing is read whole.
    fetch: createPooledFetch({ provider: config.name }) as never,
  });
  const ids: string[] = [];
  for await (const model of client.models.list({ signal })) {
    if (typeof model?.id === 'string') ids.push(model.id);
    if (ids.length >= MAX_LISTED_MODELS) break;
  }
  return ids;
}
