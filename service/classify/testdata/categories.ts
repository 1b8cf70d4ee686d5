// The shipped categories (categories/*.json) in the router's order, for tests and scripts.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CategoryDefinition } from '../category.ts';

const ORDER = ['tools', 'code', 'reasoning', 'conversation'];

export function loadCategories(dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../categories')): readonly CategoryDefinition[] {
  const rank = (name: string) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length);
  return Object.freeze(
    readdirSync(dir).filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as CategoryDefinition)
      .sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name)),
  );
}

export const CATEGORIES = loadCategories();
