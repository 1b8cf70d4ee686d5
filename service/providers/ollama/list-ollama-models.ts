// Health probe for Ollama: the official client's `list()` (GET /api/tags), the installed models.
import { Ollama } from 'ollama';
import type { ProviderConfig } from '../../config/gateway-config.ts';
import { MAX_LISTED_MODELS } from '../health/list-models.ts';
import { createPooledFetch } from '../pooled-fetch.ts';

export async function listOllamaModels(config: ProviderConfig, signal: AbortSignal): Promise<string[]> {
  // The client takes no per-call signal; its fetch joins ours, so a probe past its time stops. The
  // pooled fetch bounds the answer like every upstream's.
  const pooled = createPooledFetch({ provider: config.name });
  const fetchWithSignal = (input: string | URL | Request, init: RequestInit = {}) => pooled(input, { ...init, signal: init.signal ? AbortSignal.any([init.signal, signal]) : signal });
  const client = new Ollama({ host: config.baseURL ?? 'http://127.0.0.1:11434', headers: config.headers, fetch: fetchWithSignal as typeof fetch });
  const { models } = await client.list();
  return (Array.isArray(models) ? models : [])
    .map((m) => m?.name)
    .filter((name): name is string => typeof name === 'string')
    .slice(0, MAX_LISTED_MODELS);
}
