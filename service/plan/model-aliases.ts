// Model aliases: a bare model name an existing application sends (`gpt-4o`) stands for a category
// (`router/code`) or one target (`openai/gpt-4o-mini`). Declared in ROUTER_CONFIG or over
// /config/alias, kept in the store, resolved by ChatRouter.plan().
import { z } from 'zod';
import { parseTarget, type Target } from './target.ts';

/** Names the router answers itself; an alias cannot take them. */
const RESERVED = new Set(['router', 'auto']);

/** A bare model name: no `/` (that would read as `provider/model`), as OpenAI's and most vendors' ids are spelt. */
export const aliasName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}$/, 'an alias is 1-128 letters, digits, . _ : @ + or -, starting with a letter or digit, without "/"')
  .refine((name) => !RESERVED.has(name), { message: 'this name is reserved' });

/**
 * What an alias stands for. Deployment groups (issue 13, spelt `group:<name>` in chains) will be a
 * third kind: add `{ kind: 'group'; group: string }` here and its prefix in parseAliasDestination and
 * aliasDestinationProblem; ChatRouter.plan() resolves it where it switches on `kind`.
 */
export type AliasDestination = { kind: 'category'; category: string } | { kind: 'target'; target: Target };

export interface ModelAlias {
  name: string;
  /** As declared: `router/<category>` or `provider/model`. */
  to: string;
  /** Where it was declared: the ROUTER_CONFIG file, or over REST. */
  source: 'ROUTER_CONFIG' | 'REST';
}

/** Reads `router/<category>` or `provider/model`; null when it is neither. */
export function parseAliasDestination(to: string): AliasDestination | null {
  if (to.startsWith('router/')) {
    const category = to.slice('router/'.length);
    return category && !category.includes('/') ? { kind: 'category', category } : null;
  }
  const target = parseTarget(to);
  return target ? { kind: 'target', target } : null;
}

export interface AliasChecks {
  hasCategory: (name: string) => boolean;
  hasProvider: (name: string) => boolean;
}

/** Why `to` cannot be an alias's destination, or null when it can. */
export function aliasDestinationProblem(to: string, checks: AliasChecks): string | null {
  const destination = parseAliasDestination(to);
  if (!destination) return `"${to.slice(0, 80)}" is neither "router/<category>" nor a "provider/model" target`;
  if (destination.kind === 'category' && !checks.hasCategory(destination.category)) return `"${to}" names unknown category "${destination.category}"`;
  if (destination.kind === 'target' && !checks.hasProvider(destination.target.provider)) return `"${to}" names unknown provider "${destination.target.provider}"`;
  return null;
}

/** Where aliases are kept (the settings table, under one key, with an audit row per change). */
export interface AliasStorage {
  get<T>(key: string): T | undefined;
  /** Awaited: PostgreSQL's writes are async. */
  set(key: string, value: unknown, route: string): void | Promise<void>;
}

const STORE_KEY = 'model_aliases';

/** The live aliases: read from the store once, kept in memory for the request path, written through on change. */
export class ModelAliases {
  readonly #storage: AliasStorage;
  #byName = new Map<string, ModelAlias>();

  constructor(storage: AliasStorage) {
    this.#storage = storage;
    for (const alias of storage.get<ModelAlias[]>(STORE_KEY) ?? []) this.#byName.set(alias.name, alias);
  }

  /** Re-reads the store after another worker process changed it (ROUTER_WORKERS). */
  reloadFromStore(): void {
    this.#byName = new Map((this.#storage.get<ModelAlias[]>(STORE_KEY) ?? []).map((alias) => [alias.name, alias]));
  }

  list(): ModelAlias[] {
    return [...this.#byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): ModelAlias | undefined {
    return this.#byName.get(name);
  }

  resolve(name: string): AliasDestination | undefined {
    const alias = this.#byName.get(name);
    return alias ? (parseAliasDestination(alias.to) ?? undefined) : undefined;
  }

  /** Creates or replaces aliases in one write (one audit row); the caller has validated them. */
  async save(aliases: ModelAlias[], route: string): Promise<void> {
    const next = new Map(this.#byName);
    for (const alias of aliases) next.set(alias.name, alias);
    await this.#write(next, route);
  }

  async remove(name: string, route: string): Promise<boolean> {
    if (!this.#byName.has(name)) return false;
    const next = new Map(this.#byName);
    next.delete(name);
    await this.#write(next, route);
    return true;
  }

  /** The memory copy changes only once the store has the change. */
  async #write(next: Map<string, ModelAlias>, route: string): Promise<void> {
    const list = [...next.values()].sort((a, b) => a.name.localeCompare(b.name));
    await this.#storage.set(STORE_KEY, list, route);
    this.#byName = next;
  }
}
