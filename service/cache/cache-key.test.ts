import { describe, expect, it } from 'vitest';
import { CID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';
import * as raw from 'multiformats/codecs/raw';
import type { ChatRequest } from '../canonical/chat-types.ts';
import { cacheKey, canonicalJson, keyInput } from './cache-key.ts';

const base: ChatRequest = { model: 'router', messages: [{ role: 'user', content: 'hi' }], temperature: 0.2 };
const route = { category: 'conversation' };

describe('cacheKey', () => {
  it('ignores delivery and identity fields, and null parameters', () => {
    const key = cacheKey('sha256', route, base);
    expect(cacheKey('sha256', route, { ...base, stream: true, stream_options: { include_usage: true }, user: 'u1', metadata: { a: 1 }, store: true })).toBe(key);
    expect(cacheKey('sha256', route, { ...base, model: 'router/conversation', top_p: null })).toBe(key);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with the route, the messages, the tools and every other parameter', () => {
    const key = cacheKey('sha256', route, base);
    const others = [
      cacheKey('sha256', { category: 'code' }, base),
      cacheKey('sha256', { target: 'openai/gpt-4o' }, base),
      cacheKey('sha256', route, { ...base, messages: [{ role: 'user', content: 'hi!' }] }),
      cacheKey('sha256', route, { ...base, temperature: 0.3 }),
      cacheKey('sha256', route, { ...base, tools: [{ type: 'function', function: { name: 'f' } }] }),
      cacheKey('sha256', route, { ...base, seed: 7 }),
      cacheKey('sha256', route, { ...base, response_format: { type: 'json_object' } }),
    ];
    expect(new Set([key, ...others]).size).toBe(others.length + 1);
  });

  it('does not depend on member order anywhere in the body', () => {
    const a = { model: 'router', temperature: 0, messages: [{ role: 'user' as const, content: 'x', name: 'n' }] };
    const b = { messages: [{ name: 'n', content: 'x', role: 'user' as const }], temperature: 0, model: 'router' };
    expect(keyInput(route, a)).toBe(keyInput(route, b));
  });

  it('gives a CIDv1 (raw, sha2-256) of the same digest under the cid strategy', () => {
    const hex = cacheKey('sha256', route, base);
    const cid = CID.parse(cacheKey('cid', route, base));
    expect(cid.version).toBe(1);
    expect(cid.code).toBe(raw.code);
    expect(cid.multihash.code).toBe(sha256.code);
    expect(Buffer.from(cid.multihash.digest).toString('hex')).toBe(hex);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: [{ y: 1, x: undefined, a: 'z' }], a: null })).toBe('{"a":null,"b":[{"a":"z","y":1}]}');
  });
});
