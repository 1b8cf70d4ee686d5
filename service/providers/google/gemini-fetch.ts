// The Gemini SDK calls the global fetch and accepts no other. So that its answers are bounded
// like every other upstream's (plain answers, each stream line, and the whole stream, which the
// SDK keeps for its aggregate), requests to a configured Gemini base URL are routed to the
// gateway's pooled, bounded fetch; every other request goes to the original fetch untouched.
import type { FetchLike } from '../pooled-fetch.ts';

const routes: Array<{ prefix: string; fetch: FetchLike }> = [];
let original: typeof fetch | undefined;

function urlOf(input: string | URL | Request): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

const dispatchingFetch = function geminiAwareFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const url = urlOf(input);
  for (const route of routes) if (url.startsWith(route.prefix)) return route.fetch(input, init);
  return original!(input, init);
};

/** Sends requests whose URL starts with `prefix` through `fetchImpl`; the latest registration for a prefix wins. */
export function routeGeminiRequests(prefix: string, fetchImpl: FetchLike): void {
  if (!original) {
    original = globalThis.fetch;
    globalThis.fetch = dispatchingFetch as typeof fetch;
  }
  const existing = routes.findIndex((r) => r.prefix === prefix);
  if (existing !== -1) routes.splice(existing, 1);
  // Longest prefix first, so a more specific base URL is matched before a shorter one.
  routes.push({ prefix, fetch: fetchImpl });
  routes.sort((a, b) => b.prefix.length - a.prefix.length);
}
