// The live set of categories: read from the store once, kept in memory for the request path,
// and written through to the store on every change (awaited: PostgreSQL's writes are async; the
// memory copy changes only once the store has the change).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CategoryStoreContract } from '../store/category-store-contract.ts';
import type { CategoryDefinition } from '../classify/category.ts';

/** Where a category's current definition came from: categories/*.json, the ROUTER_CONFIG file, or a REST call. */
export type CategorySource = 'file' | 'ROUTER_CONFIG' | 'REST';

/** The audit route of a start that applied ROUTER_CONFIG's categories. */
export const ROUTER_CONFIG_ROUTE = 'ROUTER_CONFIG (start)';

export class CategoryRegistry {
  readonly #store: CategoryStoreContract;
  #list: readonly CategoryDefinition[] = [];
  #byName = new Map<string, CategoryDefinition>();
  readonly #sources = new Map<string, CategorySource>();

  /** Seeds an empty store from categories/ (once, whichever replica gets there first), then reads it. */
  static async open(store: CategoryStoreContract, seeds: CategoryDefinition[]): Promise<CategoryRegistry> {
    await store.seedIfEmpty(seeds);
    return new CategoryRegistry(store);
  }

  private constructor(store: CategoryStoreContract) {
    this.#store = store;
    this.#reload();
    // The store's audit trail says who last wrote each category (none: seeded from its file).
    for (const { name } of this.#list) this.#sources.set(name, sourceOfRoute(store.lastChange(name)?.route));
  }

  sourceOf(name: string): CategorySource | undefined {
    return this.#byName.has(name) ? this.#sources.get(name) : undefined;
  }

  /** A category ROUTER_CONFIG declares as it is stored already: it is the file's, though nothing was written. */
  declared(name: string): void {
    if (this.#byName.has(name)) this.#sources.set(name, 'ROUTER_CONFIG');
  }

  /** The same array until a change, so classifiers can cache work per identity. */
  list(): readonly CategoryDefinition[] {
    return this.#list;
  }

  get(name: string): CategoryDefinition | undefined {
    return this.#byName.get(name);
  }

  async save(category: CategoryDefinition, route: string): Promise<void> {
    await this.saveAll([category], route);
  }

  /** Several categories in one store transaction: all of them, or none. */
  async saveAll(categories: CategoryDefinition[], route: string): Promise<void> {
    if (categories.length === 0) return;
    await this.#store.saveAll(categories, route);
    for (const category of categories) this.#sources.set(category.name, sourceOfRoute(route));
    this.#reload();
  }

  async remove(name: string, route: string): Promise<boolean> {
    const removed = await this.#store.delete(name, route);
    if (removed) this.#reload();
    return removed;
  }

  /**
   * Re-reads the store after another worker process or replica changed it (a PostgreSQL store has
   * refreshed its memory copy first); the list keeps its
   * identity when nothing changed, so classifier caches survive a no-op re-read.
   */
  reloadFromStore(): void {
    const fresh = this.#store.list();
    if (JSON.stringify(fresh) === JSON.stringify(this.#list)) return;
    this.#reload();
    for (const { name } of this.#list) this.#sources.set(name, sourceOfRoute(this.#store.lastChange(name)?.route));
  }

  #reload(): void {
    this.#list = Object.freeze(this.#store.list());
    this.#byName = new Map(this.#list.map((c) => [c.name, c]));
  }
}

function sourceOfRoute(route: string | undefined): CategorySource {
  if (route === undefined || route.startsWith('POST /config/reload')) return 'file';
  return route.startsWith('ROUTER_CONFIG') ? 'ROUTER_CONFIG' : 'REST';
}

/** Reads every categories/*.json file (the seeds). */
export function readCategoryFiles(dir: string): CategoryDefinition[] {
  const order = ['tools', 'code', 'reasoning', 'conversation'];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      try {
        return JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as CategoryDefinition;
      } catch (error) {
        throw new Error(`categories/${f}: ${(error as Error).message}`);
      }
    })
    .sort((a, b) => rank(order, a.name) - rank(order, b.name) || a.name.localeCompare(b.name));
}

function rank(order: string[], name: string): number {
  const i = order.indexOf(name);
  return i === -1 ? order.length : i;
}
