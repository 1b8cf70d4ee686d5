// The response cache as an AnswerSource wrapped around the walk: look the routed request up, replay
// a stored answer, or walk and keep the answer. Nothing here may break an answer: a cache that fails
// to read is a miss, one that fails to write is logged and counted, and the client is answered.
import type { ChatCompletion, ChatRequest } from '../canonical/chat-types.ts';
import type { CategoryDefinition } from '../classify/category.ts';
import type { AnswerSource, RequestStart } from '../pipeline/chat-pipeline.ts';
import type { RoutePlan } from '../plan/chat-router.ts';
import { parseTarget, type Target } from '../plan/target.ts';
import type { ResponseCacheStoreContract } from '../store/response-cache-store-contract.ts';
import { runDetached } from '../process/detached-task.ts';
import type { WalkSuccess } from '../walk/chain-walker.ts';
import type { OpenedStream } from '../walk/stream-head.ts';
import { answerJson } from '../canonical/chat-types.ts';
import { parseCacheControl } from './cache-control.ts';
import { cacheKey, type KeyStrategy } from './cache-key.ts';
import { uncacheableRequest, unstorableChunks, unstorableCompletion } from './cache-policy.ts';
import { Coalescer, type Lead } from './coalescer.ts';
import { decodeBody, encodeBody, replayCompletion, replayStream, watchStream, type CachedBody } from './stream-replay.ts';

export interface CacheSettings {
  /** ROUTER_CACHE=on: every category is cached unless its own `cache` says otherwise. */
  enabled: boolean;
  ttlMs: number;
  keyStrategy: KeyStrategy;
  /** How long identical requests wait for the one upstream call they share. */
  coalesceWaitMs: number;
}

/** A category's own setting: `ttlSeconds` 0 keeps it out of the cache; `toolLoops` caches turns that answer a tool result. */
export interface CategoryCache {
  ttlSeconds: number;
  toolLoops?: boolean;
}

export type CacheStatus = 'HIT' | 'MISS' | 'BYPASS' | 'REFRESH';

/** Since the start of this process; the request log holds the lasting figures. */
export interface CacheCounters {
  hits: number;
  coalesced: number;
  misses: number;
  bypassed: number;
  refreshed: number;
  stored: number;
  not_stored: Record<string, number>;
  corrupt: number;
  read_errors: number;
  write_errors: number;
  /** Bytes of stored answer text sent to clients from the cache. */
  served_bytes: number;
}

interface Shared {
  body: CachedBody;
  target: string;
}

interface Decision {
  status: CacheStatus;
  key: string;
  category: string;
  ttlMs: number;
  maxAgeMs: number | null;
}

export interface CachedAnswersDeps {
  inner: AnswerSource;
  /** SQLite's answers at once; PostgreSQL's are awaited (a lookup is a round trip, a write goes on in the background). */
  store: ResponseCacheStoreContract;
  settings: CacheSettings;
  categories: { list(): readonly CategoryDefinition[]; get(name: string): CategoryDefinition | undefined };
  /** A stream is kept in memory while it passes; past this it is let through and not stored. */
  maxEntryBytes: number;
  now?: () => number;
}

export class CachedAnswers implements AnswerSource {
  readonly counters: CacheCounters = { hits: 0, coalesced: 0, misses: 0, bypassed: 0, refreshed: 0, stored: 0, not_stored: {}, corrupt: 0, read_errors: 0, write_errors: 0, served_bytes: 0 };
  readonly #inner: AnswerSource;
  readonly #store: ResponseCacheStoreContract;
  readonly #settings: CacheSettings;
  readonly #categories: CachedAnswersDeps['categories'];
  readonly #now: () => number;
  readonly #maxEntryBytes: number;
  readonly #flights: Coalescer<Shared>;
  #seenCategories: readonly CategoryDefinition[] | undefined;
  #anyCategoryCaches = false;

  constructor(deps: CachedAnswersDeps) {
    this.#inner = deps.inner;
    this.#store = deps.store;
    this.#settings = deps.settings;
    this.#categories = deps.categories;
    this.#now = deps.now ?? Date.now;
    this.#maxEntryBytes = Math.min(deps.maxEntryBytes, deps.store.maxBytes);
    this.#flights = new Coalescer(deps.settings.coalesceWaitMs);
  }

  get settings(): CacheSettings {
    return this.#settings;
  }

  async complete(plan: RoutePlan, request: ChatRequest, signal: AbortSignal, start?: RequestStart): Promise<WalkSuccess<ChatCompletion>> {
    // Off: one boolean (and, with no global switch, whether the category list changed).
    if (!start || !this.#active()) return this.#inner.complete(plan, request, signal);
    const decision = this.#decide(plan, request, start);
    if (!decision || decision.status === 'BYPASS') return this.#inner.complete(plan, request, signal);
    const reused = await this.#reuse(decision, start, signal);
    if ('hit' in reused) return { target: reused.hit.target, value: replayCompletion(reused.hit.body), attempts: [] };
    const lead = reused.lead;
    try {
      const walked = await this.#inner.complete(plan, request, signal);
      const why = unstorableCompletion(walked.value);
      const shared = why ? null : this.#keep(decision, walked.target.id, { kind: 'completion', completion: answerJson(walked.value) });
      if (why) this.#notStored(why);
      if (shared) lead?.settle(shared);
      else lead?.fail();
      return walked;
    } catch (error) {
      lead?.fail();
      throw error;
    }
  }

  async stream(plan: RoutePlan, request: ChatRequest, signal: AbortSignal, start?: RequestStart): Promise<WalkSuccess<OpenedStream>> {
    if (!start || !this.#active()) return this.#inner.stream(plan, request, signal);
    const decision = this.#decide(plan, request, start);
    if (!decision || decision.status === 'BYPASS') return this.#inner.stream(plan, request, signal);
    const reused = await this.#reuse(decision, start, signal);
    if ('hit' in reused) return { target: reused.hit.target, value: replayStream(reused.hit.body), attempts: [] };
    const lead = reused.lead;
    let walked: WalkSuccess<OpenedStream>;
    try {
      walked = await this.#inner.stream(plan, request, signal);
    } catch (error) {
      lead?.fail();
      throw error;
    }
    const target = walked.target.id;
    const value = watchStream(walked.value, {
      signal,
      maxBytes: this.#maxEntryBytes,
      onEnd: (texts, chunks) => {
        const why = unstorableChunks(chunks);
        const shared = why ? null : this.#keep(decision, target, { kind: 'chunks', chunks: texts });
        if (why) this.#notStored(why);
        if (shared) lead?.settle(shared);
        else lead?.fail();
      },
      onAbandon: (why) => {
        this.#notStored(why);
        lead?.fail();
      },
    });
    return { ...walked, value };
  }

  /** Removes every entry, or one category's. */
  async clear(category?: string): Promise<number> {
    return this.#store.clear(category);
  }

  /** GET /cache: the settings, what is stored, and what happened since the start. */
  async stats(): Promise<Record<string, unknown>> {
    const { hits, misses } = this.counters;
    let stored: Record<string, unknown>;
    try {
      stored = { ...(await this.#store.stats()) };
    } catch (error) {
      stored = { error: (error as Error).message };
    }
    return {
      enabled: this.#settings.enabled,
      ttl_s: this.#settings.ttlMs / 1000,
      key_strategy: this.#settings.keyStrategy,
      coalesce_wait_ms: this.#settings.coalesceWaitMs,
      category_settings: Object.fromEntries(this.#categories.list().filter((c) => c.cache).map((c) => [c.name, c.cache])),
      store: stored,
      since_start: { ...this.counters, hit_rate: hits + misses === 0 ? null : Math.round((hits / (hits + misses)) * 10_000) / 10_000 },
      in_flight: this.#flights.inFlight,
    };
  }

  #active(): boolean {
    if (this.#settings.enabled) return true;
    const list = this.#categories.list();
    if (list !== this.#seenCategories) {
      this.#seenCategories = list;
      this.#anyCategoryCaches = list.some((c) => (c.cache?.ttlSeconds ?? 0) > 0);
    }
    return this.#anyCategoryCaches;
  }

  /** Null when the cache does not apply to this request's category; otherwise what to do, with headers set. */
  #decide(plan: RoutePlan, request: ChatRequest, start: RequestStart): Decision | null {
    const category = plan.classification.category;
    const own = this.#categories.get(category)?.cache;
    if (own ? own.ttlSeconds <= 0 : !this.#settings.enabled) return null;
    const ttlMs = own ? own.ttlSeconds * 1000 : this.#settings.ttlMs;
    const headers = start.headers;
    if (uncacheableRequest(request, own?.toolLoops === true)) {
      return this.#mark(start, { status: 'BYPASS', key: '', category, ttlMs, maxAgeMs: null });
    }
    const route = plan.classification.method === 'direct' ? { target: plan.targets[0]?.id ?? request.model } : { category };
    const key = cacheKey(this.#settings.keyStrategy, route, request);
    headers['x-router-cache-key'] = key;
    const directives = parseCacheControl(start.cacheControl);
    const status: CacheStatus = directives.noStore ? 'BYPASS' : directives.noCache ? 'REFRESH' : 'MISS';
    return this.#mark(start, { status, key, category, ttlMs, maxAgeMs: directives.maxAgeS === null ? null : directives.maxAgeS * 1000 });
  }

  #mark(start: RequestStart, decision: Decision): Decision {
    start.headers['x-router-cache'] = decision.status;
    start.tracker.cacheStatus(decision.status);
    if (decision.status === 'BYPASS') this.counters.bypassed++;
    else if (decision.status === 'REFRESH') this.counters.refreshed++;
    return decision;
  }

  /**
   * A stored entry, or the answer of an identical request already in flight. Otherwise the request
   * calls upstream, leading the key's flight when nobody else does (looked up and led in one step,
   * so two identical misses cannot both lead).
   */
  async #reuse(decision: Decision, start: RequestStart, signal: AbortSignal): Promise<{ hit: { body: CachedBody; target: Target } } | { lead: Lead<Shared> | null }> {
    if (decision.status !== 'MISS') return { lead: null };
    let found = await this.#lookup(decision);
    let coalesced = false;
    if (!found) {
      const lead = this.#flights.lead(decision.key);
      if (lead) {
        this.counters.misses++;
        return { lead };
      }
      found = await this.#flights.wait(decision.key, signal);
      coalesced = true;
    }
    const target = found ? parseTarget(found.target) : null;
    if (!found || !target) {
      this.counters.misses++;
      return { lead: null };
    }
    this.counters.hits++;
    this.counters.served_bytes += bodyBytes(found.body);
    if (coalesced) this.counters.coalesced++;
    start.headers['x-router-cache'] = 'HIT';
    start.tracker.cacheStatus('HIT');
    return { hit: { body: found.body, target } };
  }

  async #lookup(decision: Decision): Promise<Shared | null> {
    try {
      const entry = await this.#store.get(decision.key);
      if (!entry) return null;
      const now = this.#now();
      if (entry.expiresAt <= now) {
        await this.#store.remove(decision.key);
        return null;
      }
      if (decision.maxAgeMs !== null && now - entry.createdAt > decision.maxAgeMs) return null;
      const body = decodeBody(entry.kind, entry.body);
      if (!body || !parseTarget(entry.target)) {
        this.counters.corrupt++;
        await this.#store.remove(decision.key);
        return null;
      }
      this.#store.touch(decision.key);
      return { body, target: entry.target };
    } catch (error) {
      this.counters.read_errors++;
      logCacheError('read', error, this.counters.read_errors);
      return null;
    }
  }

  /** Stores the answer (a write that is a round trip goes on in the background); returns it for waiting requests even when the write fails. */
  #keep(decision: Decision, target: string, body: CachedBody): Shared {
    const shared = { body, target };
    const failed = (error: unknown) => {
      this.counters.write_errors++;
      logCacheError('write', error, this.counters.write_errors);
    };
    try {
      const { kind, text } = encodeBody(body);
      const now = this.#now();
      const stored = this.#store.put({ key: decision.key, category: decision.category, target, kind, body: text, createdAt: now, expiresAt: now + decision.ttlMs }, now);
      if (typeof stored === 'boolean') this.#counted(stored);
      else {
        runDetached('response cache write', async () => {
          try {
            this.#counted(await stored);
          } catch (error) {
            failed(error);
          }
        });
      }
    } catch (error) {
      failed(error);
    }
    return shared;
  }

  #counted(stored: boolean): void {
    if (stored) this.counters.stored++;
    else this.#notStored('larger than the cache');
  }

  #notStored(why: string): void {
    this.counters.not_stored[why] = (this.counters.not_stored[why] ?? 0) + 1;
  }
}

function bodyBytes(body: CachedBody): number {
  if (body.kind === 'completion') return body.completion.length;
  let n = 0;
  for (const chunk of body.chunks) n += chunk.length;
  return n;
}

/** The first failure of a kind, then one in a hundred: a broken disk must not flood the log. */
function logCacheError(kind: 'read' | 'write', error: unknown, count: number): void {
  if (count === 1 || count % 100 === 0) console.warn(`[router] response cache ${kind} failed (${count} so far); answering without it: ${(error as Error)?.message ?? String(error)}`);
}
