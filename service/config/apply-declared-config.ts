// Configuration as code: what ROUTER_CONFIG declares (categories, aliases, classifier settings)
// is written to the store at every start, each change with an audit row. REST edits work as
// before until the next start, when the file's declarations are applied again; whatever the file
// does not declare keeps its stored (REST or categories/*.json) version.
import type { CategoryDefinition } from '../classify/category.ts';
import type { ClassifierSettings } from '../classify/configurable-classifier.ts';
import { ROUTER_CONFIG_ROUTE, type CategoryRegistry } from '../plan/category-registry.ts';
import { aliasDestinationProblem, type ModelAlias, type ModelAliases } from '../plan/model-aliases.ts';
import { chainProblem } from '../plan/target.ts';
import type { SettingsStorage } from '../store/settings-store.ts';
import type { DeclaredConfig } from './gateway-config.ts';
import { ConfigError } from './config-values.ts';

export interface ApplyDeps {
  declared: DeclaredConfig;
  categories: CategoryRegistry;
  aliases: ModelAliases;
  settings: SettingsStorage;
  /** The settings key the classifier's stored settings live under. */
  classifierKey: string;
  hasProvider: (name: string) => boolean;
  /** A deployment group of that name exists (a chain may name `group:<name>`). */
  hasGroup?: (name: string) => boolean;
  /** The classifier's settings from the environment, under the file's. */
  classifierFromEnv: ClassifierSettings;
}

export interface AppliedConfig {
  categories: { written: string[]; unchanged: string[] };
  aliases: { written: string[]; unchanged: string[] };
  classifier: 'written' | 'unchanged' | 'not declared';
}

/**
 * Validates everything first (a ConfigError names the first problem), then writes: the categories
 * in one transaction, then the aliases, then the classifier's settings (each a write of its own,
 * so on a store that fails half-way the next start applies the rest).
 */
export async function applyDeclaredConfig(deps: ApplyDeps): Promise<AppliedConfig> {
  const { declared } = deps;
  const problems: string[] = [];
  for (const [name, category] of Object.entries(declared.categories)) {
    const problem = chainProblem(category.chain, deps.hasProvider, deps.hasGroup);
    if (problem) problems.push(`categories.${name}.chain: ${problem}`);
  }
  const willExist = (name: string) => deps.categories.get(name) !== undefined || name in declared.categories;
  for (const [name, to] of Object.entries(declared.aliases)) {
    const problem = aliasDestinationProblem(to, { hasCategory: willExist, hasProvider: deps.hasProvider });
    if (problem) problems.push(`aliases.${name}: ${problem}`);
  }
  const classifier = declared.classifier ? { ...deps.classifierFromEnv, ...deps.settings.get<ClassifierSettings>(deps.classifierKey), ...declared.classifier } : undefined;
  if (classifier?.model) {
    const problem = chainProblem([classifier.model], deps.hasProvider);
    if (problem) problems.push(`classifier.model: ${problem}`);
  }
  if (problems.length > 0) throw new ConfigError(`ROUTER_CONFIG: ${problems.join('; ')}`);

  const applied: AppliedConfig = { categories: { written: [], unchanged: [] }, aliases: { written: [], unchanged: [] }, classifier: 'not declared' };
  const categories: CategoryDefinition[] = [];
  for (const [name, category] of Object.entries(declared.categories)) {
    const stored = deps.categories.get(name);
    const next: CategoryDefinition = { name, description: category.description ?? stored?.description ?? '', keywords: category.keywords ?? stored?.keywords ?? [], chain: category.chain };
    const cache = category.cache ?? stored?.cache;
    if (cache) next.cache = cache;
    if (stored && JSON.stringify(stored) === JSON.stringify(next)) {
      deps.categories.declared(name);
      applied.categories.unchanged.push(name);
    } else {
      categories.push(next);
      applied.categories.written.push(name);
    }
  }
  await deps.categories.saveAll(categories, ROUTER_CONFIG_ROUTE);
  const aliases: ModelAlias[] = [];
  for (const [name, to] of Object.entries(declared.aliases)) {
    const stored = deps.aliases.get(name);
    if (stored?.to === to && stored.source === 'ROUTER_CONFIG') applied.aliases.unchanged.push(name);
    else aliases.push({ name, to, source: 'ROUTER_CONFIG' });
  }
  if (aliases.length > 0) await deps.aliases.save(aliases, ROUTER_CONFIG_ROUTE);
  applied.aliases.written = aliases.map((a) => a.name);
  if (classifier) {
    const stored = deps.settings.get<ClassifierSettings>(deps.classifierKey);
    if (JSON.stringify(stored) === JSON.stringify(classifier)) applied.classifier = 'unchanged';
    else {
      await deps.settings.set(deps.classifierKey, classifier, ROUTER_CONFIG_ROUTE);
      applied.classifier = 'written';
    }
  }
  return applied;
}
