import { describe, expect, it } from 'vitest';
import type { CategoryDefinition } from './category.ts';
import { compiledRulesFor, compileRules, pluralForms, scoreText, tokenize } from './keyword-rules.ts';

const cat = (name: string, keywords: CategoryDefinition['keywords'], description = ''): CategoryDefinition => ({ name, description, keywords, chain: [] });

function score(categories: CategoryDefinition[], text: string) {
  const rules = compileRules(categories);
  const scores = new Float64Array(categories.length);
  const reasons = categories.map(() => [] as string[]);
  scoreText(rules, tokenize(text), text, scores, 1, reasons);
  return { scores: [...scores], reasons, rules };
}

describe('tokenize', () => {
  it('keeps dotted names, apostrophes and ++/# suffixes; lower-cases', () => {
    expect(tokenize('Use Node.js, C++ and C# — don’t panic! file.txt e.g. 3.5')).toEqual(
      ['use', 'node.js', 'c++', 'and', 'c#', "don't", 'panic', 'file.txt', 'e.g', '3.5']);
  });
});

describe('compiled keyword rules', () => {
  it('matches words with plurals, phrases, prefixes, exact words and patterns', () => {
    const { scores, reasons } = score([
      cat('a', ['query', 'stack trace', 'debug*', '=bug', { term: 'sql', weight: 2.5 }, { pattern: '\\bO\\(n\\)', weight: 2 }]),
    ], 'Debugging SQL queries; see the stack traces. Bugs galore, runs in O(n).');
    expect(reasons[0].sort()).toEqual(['/\\bO\\(n\\)/', 'debug*', 'query', 'sql', 'stack trace'].sort());
    expect(scores[0]).toBeCloseTo(1 + 1 + 1 + 2.5 + 2);
  });

  it('counts a term once however often it appears, and matches whole tokens only', () => {
    expect(score([cat('a', ['code'])], 'code code code').scores[0]).toBe(1);
    expect(score([cat('a', ['code'])], 'barcode encoder').scores[0]).toBe(0);
    expect(pluralForms('query')).toContain('queries');
  });

  it('caps weak terms (weight < 1) at 1 per category but keeps strong ones whole', () => {
    const weak = ['cat', 'dog', 'fish', 'bird'].map((term) => ({ term, weight: 0.5 }));
    expect(score([cat('a', [...weak, { term: 'poem', weight: 3 }])], 'cat dog fish bird poem').scores[0]).toBe(4);
  });

  it('lets negative weights count against a category', () => {
    expect(score([cat('a', ['code', { term: 'area code', weight: -2 }])], 'my area code').scores[0]).toBe(-1);
  });

  it('reports a bad pattern as a warning and skips it', () => {
    const { rules } = score([cat('a', [{ pattern: '(unclosed', weight: 1 }, 'ok'])], 'ok');
    expect(rules.warnings[0]).toMatch(/bad pattern/);
  });

  it('derives terms from the description when a category has no keywords', () => {
    const { scores, reasons } = score([cat('legal', [], 'Legal questions: contracts, tenancy and liability.')], 'Is this contract clause about liability enforceable?');
    expect(reasons[0].sort()).toEqual(['contract', 'liability']);
    expect(scores[0]).toBeCloseTo(2);
  });

  it('caches compiled rules per categories array identity', () => {
    const list = [cat('a', ['x'])];
    expect(compiledRulesFor(list)).toBe(compiledRulesFor(list));
    expect(compiledRulesFor([...list])).not.toBe(compiledRulesFor(list));
  });
});
