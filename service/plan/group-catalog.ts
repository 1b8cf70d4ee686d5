// Deployment group definitions: ROUTER_CONFIG's `groups`, and those changed over /config, which
// are stored (settings key `deployment_groups`, every change with its audit row) and win
// by name. Every change is applied to the live GroupRegistry at once; no restart.
import type { GroupDefinition } from '../config/config-file.ts';
import type { SettingsStorage } from '../store/settings-store.ts';
import type { GroupRegistry } from '../walk/groups/group-registry.ts';
import { groupProblem } from '../walk/groups/group-definition.ts';

export const GROUPS_SETTINGS_KEY = 'deployment_groups';

export interface CatalogEntry {
  name: string;
  /** `file`: from ROUTER_CONFIG; `stored`: set over /config (it hides a file group of the same name). */
  source: 'file' | 'stored';
  definition: GroupDefinition;
}

export class GroupCatalog {
  readonly #file: Record<string, GroupDefinition>;
  readonly #settings: SettingsStorage;
  readonly #registry: GroupRegistry;
  readonly #knownProvider: (name: string) => boolean;
  #stored: Record<string, GroupDefinition>;

  constructor(file: Record<string, GroupDefinition>, settings: SettingsStorage, registry: GroupRegistry, knownProvider: (name: string) => boolean) {
    this.#file = file;
    this.#settings = settings;
    this.#registry = registry;
    this.#knownProvider = knownProvider;
    this.#stored = this.#readStored();
    this.#apply();
  }

  /** Re-reads the store after another worker process changed it (ROUTER_WORKERS); applied only when it differs. */
  reloadFromStore(): void {
    const fresh = this.#readStored();
    if (JSON.stringify(fresh) === JSON.stringify(this.#stored)) return;
    this.#stored = fresh;
    this.#apply();
  }

  #readStored(): Record<string, GroupDefinition> {
    const stored: Record<string, GroupDefinition> = {};
    // A stored group whose provider has since left the configuration is set aside, not fatal.
    for (const [name, definition] of Object.entries(this.#settings.get<Record<string, GroupDefinition>>(GROUPS_SETTINGS_KEY) ?? {})) {
      const problem = groupProblem(name, definition, { knownProvider: this.#knownProvider, fromAdmin: true });
      if (problem) console.warn(`[router] stored group "${name}" is unusable (${problem}); ignoring it`);
      else stored[name] = definition;
    }
    return stored;
  }

  has(name: string): boolean {
    return Object.hasOwn(this.#stored, name) || Object.hasOwn(this.#file, name);
  }

  get(name: string): CatalogEntry | undefined {
    if (Object.hasOwn(this.#stored, name)) return { name, source: 'stored', definition: this.#stored[name] };
    if (Object.hasOwn(this.#file, name)) return { name, source: 'file', definition: this.#file[name] };
    return undefined;
  }

  list(): CatalogEntry[] {
    const names = [...new Set([...Object.keys(this.#file), ...Object.keys(this.#stored)])].sort();
    return names.map((name) => this.get(name)!);
  }

  /** True when the group is only in ROUTER_CONFIG: /config cannot delete it (the file would bring it back). */
  fileOnly(name: string): boolean {
    return Object.hasOwn(this.#file, name) && !Object.hasOwn(this.#stored, name);
  }

  /** What the group would be after removing its stored version: the file's, or nothing. */
  afterRemove(name: string): GroupDefinition | undefined {
    return Object.hasOwn(this.#file, name) ? this.#file[name] : undefined;
  }

  /** Stores the group (checked by the caller) with its audit row, and applies it. */
  async save(name: string, definition: GroupDefinition, route: string): Promise<void> {
    await this.#write({ ...this.#stored, [name]: definition }, route);
  }

  /** Removes the stored group; a ROUTER_CONFIG group of that name is live again. */
  async remove(name: string, route: string): Promise<boolean> {
    if (!Object.hasOwn(this.#stored, name)) return false;
    const { [name]: _removed, ...rest } = this.#stored;
    await this.#write(rest, route);
    return true;
  }

  async #write(next: Record<string, GroupDefinition>, route: string): Promise<void> {
    await this.#settings.set(GROUPS_SETTINGS_KEY, next, route);
    this.#stored = next;
    this.#apply();
  }

  #apply(): void {
    this.#registry.apply({ ...this.#file, ...this.#stored });
  }
}
