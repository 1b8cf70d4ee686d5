// Chain targets naming a model their provider does not list (at its last health probe): most
// often a typo or a model not pulled into Ollama, which would otherwise show up as failed requests.
import type { CategoryRegistry } from '../plan/category-registry.ts';
import { parseTarget } from '../plan/target.ts';
import type { ProviderHealth } from '../providers/provider-health.ts';

export interface ChainWarning {
  category: string;
  target: string;
  warning: string;
}

export function chainWarnings(deps: { categories: CategoryRegistry; health: ProviderHealth }): ChainWarning[] {
  const warnings: ChainWarning[] = [];
  for (const category of deps.categories.list()) {
    for (const entry of category.chain) {
      const target = parseTarget(entry);
      if (!target || deps.health.targetListed(target.provider, target.model) !== false) continue;
      warnings.push({ category: category.name, target: entry, warning: `provider "${target.provider}" does not list model "${target.model}"` });
    }
  }
  return warnings;
}
