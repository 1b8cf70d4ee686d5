// Health probe for Gemini. @google/generative-ai has no model listing, so this is the REST call its
// docs give for it: GET {base}/v1beta/models (paged by nextPageToken), key in x-goog-api-key.
import type { ProviderConfig } from '../../config/gateway-config.ts';
import { splitBaseURL } from '../google-provider.ts';
import { MAX_LISTED_MODELS } from '../health/list-models.ts';
import { createPooledFetch } from '../pooled-fetch.ts';

const DEFAULT_BASE = 'https://generativelanguage.googleapis.com';
const MAX_PAGES = 20;

export async function listGeminiModels(config: ProviderConfig, signal: AbortSignal): Promise<string[]> {
  const { baseUrl, apiVersion } = splitBaseURL(config.baseURL, config.options.apiVersion);
  const root = `${baseUrl ?? DEFAULT_BASE}/${apiVersion ?? 'v1beta'}/models`;
  // Bounded like every upstream answer: a listing is read whole.
  const fetch = createPooledFetch({ provider: config.name });
  const ids: string[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = `${root}?pageSize=1000${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`;
    const response = await fetch(url, { headers: { ...config.headers, 'x-goog-api-key': config.apiKey ?? '' }, signal });
    const text = await response.text();
    if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}: ${errorMessage(text)}`), { status: response.status });
    const body = JSON.parse(text) as { models?: Array<{ name?: unknown }>; nextPageToken?: unknown };
    for (const model of Array.isArray(body.models) ? body.models : []) {
      // Names come as `models/gemini-2.5-flash`; chains name `google/gemini-2.5-flash`.
      if (typeof model?.name === 'string') ids.push(model.name.replace(/^models\//, ''));
    }
    pageToken = typeof body.nextPageToken === 'string' && body.nextPageToken ? body.nextPageToken : undefined;
    if (!pageToken || ids.length >= MAX_LISTED_MODELS) break;
  }
  return ids.slice(0, MAX_LISTED_MODELS);
}

function errorMessage(text: string): string {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === 'string') return message.slice(0, 300);
  } catch {
    // not JSON: the text itself, shortened
  }
  return text.slice(0, 300);
}
