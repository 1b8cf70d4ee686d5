// The response cache's key: a digest of the request as routed, with every field that can change
// the answer and none that cannot. docs/CACHE.md lists exactly what goes in; keep the two in step.
import { createHash } from 'node:crypto';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { sha256 } from 'multiformats/hashes/sha2';
import * as raw from 'multiformats/codecs/raw';
import type { ChatRequest } from '../canonical/chat-types.ts';

export type KeyStrategy = 'sha256' | 'cid';

/** Bumped when what goes into the key changes, so old entries simply stop matching. */
const KEY_VERSION = 'llm-router-cache/1';

/**
 * Body fields that never change the answer: how it is delivered (`stream`, `stream_options`), who
 * asked (`user`, `safety_identifier`, `metadata`), and upstream bookkeeping (`store`,
 * `prompt_cache_key`). `model` is replaced by the route it resolved to.
 */
export const IGNORED_FIELDS: ReadonlySet<string> = new Set(['model', 'stream', 'stream_options', 'user', 'metadata', 'store', 'prompt_cache_key', 'safety_identifier']);

/** Where the request was routed: a category (classified or forced) or a `provider/model` target. */
export type RouteName = { category: string } | { target: string };

/** The canonical text the key digests: version, route, then the body's answer-changing fields, keys sorted. */
export function keyInput(route: RouteName, request: ChatRequest): string {
  const fields: Record<string, unknown> = {};
  for (const name of Object.keys(request).sort()) {
    if (IGNORED_FIELDS.has(name)) continue;
    const value = request[name];
    // Absent and null mean the same to every upstream (the provider default).
    if (value === undefined || value === null) continue;
    fields[name] = value;
  }
  return `${KEY_VERSION}\n${'category' in route ? `category:${route.category}` : `target:${route.target}`}\n${canonicalJson(fields)}`;
}

export function cacheKey(strategy: KeyStrategy, route: RouteName, request: ChatRequest): string {
  const digest = createHash('sha256').update(keyInput(route, request)).digest();
  if (strategy === 'sha256') return digest.toString('hex');
  // CIDv1, raw codec, sha2-256 multihash, base32: the content address of the same digest.
  return CID.createV1(raw.code, Digest.create(sha256.code, new Uint8Array(digest))).toString();
}

/** JSON with object keys sorted at every depth, so member order in the body does not split entries. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const parts: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined || typeof v === 'function') continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}
