// POST /config/reload: re-reads categories/, pricing/ and ROUTER_CONFIG, validates all of it
// before changing anything, then applies what can change at runtime and says what changed.
//
// Categories: the store is the source of truth once seeded, so a file never silently overwrites a
// stored category. A file whose category is not stored is added, unless that category was deleted
// over DELETE /config/category (then it stays deleted). A file that differs from the stored
// category is reported, field by field, and the stored one is kept, unless the request names it in
// `from_files`, which adopts the file's version (and re-creates a deleted one).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { GatewayConfig, ProviderConfig } from '../config/gateway-config.ts';
import type { ProviderRegistry } from '../providers/provider-registry.ts';
import type { CategoryRegistry } from '../plan/category-registry.ts';
import type { CategoryDefinition } from '../classify/category.ts';
import { parsePricingFile, type PriceChange, type PriceTable, type PricingFile } from '../record/price-table.ts';
import { chainProblem } from '../plan/target.ts';
import type { CategoryStoreContract } from '../store/category-store-contract.ts';
import { categoryFileSchema, firstIssue } from './category-schema.ts';

export const RELOAD_ROUTE = 'POST /config/reload';

export interface ReloadDeps {
  config: GatewayConfig;
  categories: CategoryRegistry;
  categoryStore: CategoryStoreContract;
  providers: ProviderRegistry;
  prices: PriceTable;
  /** Deployment groups a chain may name as `group:<name>`. */
  groups?: { has(name: string): boolean };
}

export interface ReloadProblem {
  source: string;
  error: string;
}

type Field = 'description' | 'keywords' | 'chain' | 'cache';

export interface ReloadReport {
  changed: boolean;
  categories: {
    added: string[];
    adopted: Array<{ name: string; fields: Field[] }>;
    unchanged: string[];
    /** The file differs from SQLite; SQLite's version was kept. */
    kept_stored: Array<{ name: string; fields: Field[]; stored: Record<string, unknown>; file: Record<string, unknown> }>;
    /** Deleted over REST; the file does not bring it back unless named in from_files. */
    stayed_deleted: Array<{ name: string; deleted_at: string }>;
    /** Stored categories with no file (created over REST); left as they are. */
    only_stored: string[];
  };
  pricing: { files: number; changes: PriceChange[] };
  router_config: { file: string | null; changes: Array<{ path: string; running: unknown; file: unknown }>; applied: false; restart_required: boolean };
}

export type ReloadResult = { ok: true; report: ReloadReport } | { ok: false; problems: ReloadProblem[] };

export async function reloadConfiguration(deps: ReloadDeps, fromFiles: string[]): Promise<ReloadResult> {
  const problems: ReloadProblem[] = [];
  const files = readCategoryDir(deps.config.categoriesDir, (name) => deps.providers.has(name), (name) => deps.groups?.has(name) ?? false, problems);
  const pricing = readPricingDir(deps.config.pricingDir, problems);
  const fresh = rereadConfig(deps.config, problems);
  for (const name of fromFiles) if (!files.has(name)) problems.push({ source: 'from_files', error: `no file in categories/ defines "${name}"` });
  if (problems.length > 0) return { ok: false, problems };

  const report: ReloadReport = {
    changed: false,
    categories: { added: [], adopted: [], unchanged: [], kept_stored: [], stayed_deleted: [], only_stored: [] },
    pricing: { files: pricing.length, changes: [] },
    router_config: { file: deps.config.configFile ?? null, changes: fresh ? configChanges(deps.config, fresh) : [], applied: false, restart_required: false },
  };
  report.router_config.restart_required = report.router_config.changes.length > 0;

  const writes: CategoryDefinition[] = [];
  for (const [name, file] of files) {
    const stored = deps.categories.get(name);
    const adopt = fromFiles.includes(name);
    if (!stored) {
      const last = deps.categoryStore.lastChange(name);
      if (last?.deleted && !adopt) {
        report.categories.stayed_deleted.push({ name, deleted_at: new Date(last.ts).toISOString() });
        continue;
      }
      writes.push(file);
      report.categories.added.push(name);
      continue;
    }
    const fields = differingFields(stored, file);
    if (fields.length === 0) report.categories.unchanged.push(name);
    else if (adopt) {
      writes.push(file);
      report.categories.adopted.push({ name, fields });
    } else {
      report.categories.kept_stored.push({ name, fields, stored: pick(stored, fields), file: pick(file, fields) });
    }
  }
  report.categories.only_stored = deps.categories
    .list()
    .map((c) => c.name)
    .filter((name) => !files.has(name));

  // Everything validated: write the categories in one transaction, then swap the price table.
  await deps.categories.saveAll(writes, RELOAD_ROUTE);
  const changes = deps.prices.replace(pricing);
  report.pricing.changes = changes;
  if (changes.length > 0) {
    await deps.categoryStore.recordAudit(
      RELOAD_ROUTE,
      { pricing: Object.fromEntries(changes.map((c) => [c.model, c.old])) },
      { pricing: Object.fromEntries(changes.map((c) => [c.model, c.new])) },
    );
  }

  report.changed = writes.length > 0 || report.pricing.changes.length > 0;
  return { ok: true, report };
}

function readCategoryDir(dir: string, knownProvider: (name: string) => boolean, knownGroup: (name: string) => boolean, problems: ReloadProblem[]): Map<string, CategoryDefinition> {
  const byName = new Map<string, CategoryDefinition>();
  for (const file of jsonFiles(dir, 'categories', problems)) {
    const source = `categories/${file}`;
    const raw = readJson(path.join(dir, file), source, problems);
    if (raw === undefined) continue;
    const parsed = categoryFileSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push({ source, error: firstIssue(parsed.error).message });
      continue;
    }
    const chain = chainProblem(parsed.data.chain, knownProvider, knownGroup);
    if (chain) problems.push({ source, error: `chain: ${chain}` });
    else if (byName.has(parsed.data.name)) problems.push({ source, error: `category "${parsed.data.name}" is defined by another file too` });
    else byName.set(parsed.data.name, parsed.data);
  }
  return byName;
}

function readPricingDir(dir: string, problems: ReloadProblem[]): PricingFile[] {
  const files: PricingFile[] = [];
  const providers = new Set<string>();
  for (const file of jsonFiles(dir, 'pricing', problems)) {
    try {
      const parsed = parsePricingFile(file, readFileSync(path.join(dir, file), 'utf8'));
      if (providers.has(parsed.provider)) problems.push({ source: `pricing/${file}`, error: `provider "${parsed.provider}" is priced by another file too` });
      providers.add(parsed.provider);
      files.push(parsed);
    } catch (error) {
      problems.push({ source: `pricing/${file}`, error: (error as Error).message.replace(/^pricing\/[^:]+: /, '') });
    }
  }
  return files;
}

function rereadConfig(config: GatewayConfig, problems: ReloadProblem[]): GatewayConfig | undefined {
  try {
    return config.reread();
  } catch (error) {
    problems.push({ source: config.configFile ?? 'environment', error: (error as Error).message });
    return undefined;
  }
}

/** What ROUTER_CONFIG (or the environment) now says that the running gateway does not: applied at the next restart. */
function configChanges(running: GatewayConfig, fresh: GatewayConfig): Array<{ path: string; running: unknown; file: unknown }> {
  const changes: Array<{ path: string; running: unknown; file: unknown }> = [];
  const compare = (where: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) changes.push({ path: where, running: a ?? null, file: b ?? null });
  };
  const before = new Map(running.providers.map((p) => [p.name, publicView(p)]));
  const after = new Map(fresh.providers.map((p) => [p.name, publicView(p)]));
  for (const name of new Set([...before.keys(), ...after.keys()])) compare(`providers.${name}`, before.get(name), after.get(name));
  compare('breaker', running.breaker, fresh.breaker);
  compare('breakers', running.breakerOverrides, fresh.breakerOverrides);
  compare('attemptTimeoutMs', running.attemptTimeoutMs, fresh.attemptTimeoutMs);
  // Declarations (configuration as code) are applied to the store at start, so they wait for one too.
  compare('categories', running.declared.categories, fresh.declared.categories);
  compare('aliases', running.declared.aliases, fresh.declared.aliases);
  compare('classifier', running.declared.classifier, fresh.declared.classifier);
  compare('health', running.health, fresh.health);
  compare('groups', running.groups, fresh.groups);
  compare('cache', running.cache, fresh.cache);
  return changes;
}

/** A provider as /config shows it: never its key, and header names only (they may carry tokens). */
function publicView(p: ProviderConfig): Record<string, unknown> {
  const view: Record<string, unknown> = { type: p.type, base_url: p.baseURL ?? null, configured: p.configured, env: p.envHint, headers: Object.keys(p.headers).sort(), options: p.options };
  // A CLI provider's child environment may hold keys: its variable names only.
  if (p.cli) view.cli = { ...p.cli, env: Object.keys(p.cli.env).sort() };
  return view;
}

function differingFields(stored: CategoryDefinition, file: CategoryDefinition): Field[] {
  return (['description', 'keywords', 'chain', 'cache'] as const).filter((f) => JSON.stringify(stored[f]) !== JSON.stringify(file[f]));
}

function pick(category: CategoryDefinition, fields: Field[]): Record<string, unknown> {
  // Keyword lists run to hundreds of entries: say how many rather than repeat them.
  return Object.fromEntries(fields.map((f) => [f, f === 'keywords' ? `${category.keywords.length} keywords` : category[f]]));
}

function jsonFiles(dir: string, label: string, problems: ReloadProblem[]): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch (error) {
    problems.push({ source: `${label}/`, error: (error as Error).message });
    return [];
  }
}

function readJson(file: string, source: string, problems: ReloadProblem[]): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    problems.push({ source, error: (error as Error).message });
    return undefined;
  }
}
