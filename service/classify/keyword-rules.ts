// Compiles the categories' keyword lists into one token index so that scoring a request is a single
// pass over its tokens: no regex is compiled, and no per-term regex runs, on the hot path.
//
// Keyword entry forms (from CategoryDefinition.keywords):
//   "word"                        weight 1; matches the word and its plural (s / es / y→ies)
//   "two words"                   a phrase: consecutive tokens; the last word may be plural
//   "stem*"                       a trailing * matches any word starting with the stem ("debug*")
//   "=word"                       a leading = matches the exact token only (no plural)
//   {"term": "...", "weight": N}  the same with a weight (negative weights count against)
//   {"pattern": "re", "weight": N} a regular expression (case-insensitive, multiline) run on the task text;
//                                 one that could backtrack without bound runs in a linear-time engine
// Matching is case-insensitive; tokens are runs of letters/digits/_ that may carry inner dots or
// apostrophes (node.js, don't, file.txt) and a trailing ++ or # (c++, c#).
import type { CategoryDefinition, KeywordRule } from './category.ts';
import { compileOperatorPattern } from './operator-pattern.ts';
import type { OperatorPattern } from './operator-pattern.ts';

/** One token position of a term: an exact set of accepted spellings, or a prefix. */
interface TokenMatcher {
  exact: ReadonlySet<string> | null;
  prefix: string | null;
}

export interface CompiledTerm {
  /** Index of the category in the categories array. */
  cat: number;
  /** Unique id across the compiled rules, used to count a term once per text. */
  id: number;
  weight: number;
  /** The term as written, for reasons. */
  label: string;
  /** Matchers for the tokens after the first (phrases). */
  rest: TokenMatcher[];
  /** An everyday noun that is also a code word: counts for code only next to a programming anchor. */
  gated: boolean;
}

export interface CompiledPattern {
  cat: number;
  id: number;
  weight: number;
  label: string;
  /** Run in V8 or, when it could backtrack without bound, in a linear-time engine (operator-pattern.ts). */
  re: OperatorPattern;
}

/**
 * Everyday nouns that are also code words (a dinner table, a method for bread, a film script): in the
 * `code` category they count only when the text has a programming anchor (keyword-classifier.ts).
 */
export const EVERYDAY_CODE_NOUNS: ReadonlySet<string> = new Set([
  'table', 'object', 'method', 'column', 'row', 'script', 'class', 'file', 'list', 'string', 'field', 'record', 'value',
  'key', 'tree', 'model', 'pattern', 'library', 'package',
]);

/** The singular a term spelling stands for (tables → table, queries → query), for one-count-per-word. */
function singular(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && /(?:ss|x|z|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

export interface CompiledRules {
  names: string[];
  termCount: number;
  /** First-token spelling → terms starting with it. */
  index: Map<string, CompiledTerm[]>;
  /** Terms whose first token is a prefix ("debug*"), by the prefix's first character. */
  prefixes: Map<string, Array<{ prefix: string; term: CompiledTerm }>>;
  patterns: CompiledPattern[];
  /** Problems found while compiling (bad regex, empty term); the rule is skipped. */
  warnings: string[];
}

const TOKEN_RE = /[\p{L}\p{N}_]+(?:['.][\p{L}\p{N}_]+)*(?:\+\+|#)?/gu;

/** Lower-cased tokens of a text, appended to out. */
export function tokenize(text: string, out: string[] = []): string[] {
  let lower = text.toLowerCase();
  if (lower.includes('’')) lower = lower.replaceAll('’', "'");
  const found = lower.match(TOKEN_RE); // one array of strings, no per-match objects
  if (!found) return out;
  if (out.length === 0) return found;
  for (const t of found) out.push(t);
  return out;
}

/** The word and its plural spellings. */
export function pluralForms(word: string): string[] {
  const forms = [word];
  if (!/^[a-z]{3,}$/.test(word)) return forms;
  forms.push(`${word}s`, `${word}es`);
  if (/[^aeiou]y$/.test(word)) forms.push(`${word.slice(0, -1)}ies`);
  return forms;
}

function matcherFor(raw: string, isLast: boolean): TokenMatcher | null {
  if (raw.endsWith('*')) {
    const prefix = raw.slice(0, -1);
    return prefix ? { exact: null, prefix } : null;
  }
  if (raw.startsWith('=')) return { exact: new Set([raw.slice(1)]), prefix: null };
  return { exact: new Set(isLast ? pluralForms(raw) : [raw]), prefix: null };
}

/** Splits a term into its token spellings, keeping the * and = markers. */
function termTokens(term: string): string[] {
  const out: string[] = [];
  for (const piece of term.toLowerCase().trim().split(/\s+/)) {
    if (!piece) continue;
    const star = piece.endsWith('*');
    const eq = piece.startsWith('=');
    const core = piece.slice(eq ? 1 : 0, star ? -1 : undefined);
    const toks = tokenize(core);
    toks.forEach((t, i) => out.push(`${eq && i === 0 ? '=' : ''}${t}${star && i === toks.length - 1 ? '*' : ''}`));
  }
  return out;
}

function normalise(entry: string | KeywordRule): KeywordRule | null {
  if (typeof entry === 'string') return { term: entry, weight: 1 };
  if (!entry || typeof entry !== 'object') return null;
  const weight = typeof entry.weight === 'number' && Number.isFinite(entry.weight) ? entry.weight : 1;
  return { term: entry.term, pattern: entry.pattern, weight };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Compiles keyword rules for the given categories (uncached; see compiledRulesFor). */
export function compileRules(categories: readonly CategoryDefinition[]): CompiledRules {
  const rules: CompiledRules = {
    names: categories.map((c) => c.name),
    termCount: 0,
    index: new Map(),
    prefixes: new Map(),
    patterns: [],
    warnings: [],
  };
  categories.forEach((category, cat) => {
    // A word and its plural are one term: the second spelling shares the first one's id, so a text
    // that says "table" and "tables" counts the word once.
    const idOfWord = new Map<string, number>();
    for (const entry of keywordsOf(category)) {
      const rule = normalise(entry);
      if (!rule || rule.weight === 0) continue;
      const single = !rule.pattern && rule.term && /^[a-z]+$/i.test(rule.term.trim()) ? singular(rule.term.trim().toLowerCase()) : null;
      const shared = single !== null ? idOfWord.get(single) : undefined;
      const id = shared ?? rules.termCount++;
      if (single !== null && shared === undefined) idOfWord.set(single, id);
      if (rule.pattern) {
        try {
          rules.patterns.push({ cat, id, weight: rule.weight, label: `/${rule.pattern}/`, re: compileOperatorPattern(rule.pattern, { ignoreCase: true, multiline: true }) });
        } catch (err) {
          rules.warnings.push(`${category.name}: bad pattern ${rule.pattern}: ${(err as Error).message}`);
        }
        continue;
      }
      const tokens = termTokens(rule.term ?? '');
      const matchers = tokens.map((t, i) => matcherFor(t, i === tokens.length - 1));
      if (!tokens.length || matchers.some((m) => m === null)) {
        rules.warnings.push(`${category.name}: empty or malformed term ${JSON.stringify(rule.term)}`);
        continue;
      }
      const [first, ...rest] = matchers as TokenMatcher[];
      const gated = category.name === 'code' && single !== null && EVERYDAY_CODE_NOUNS.has(single);
      const term: CompiledTerm = { cat, id, weight: rule.weight, label: rule.term ?? '', rest, gated };
      if (first.prefix !== null) {
        push(rules.prefixes, first.prefix[0], { prefix: first.prefix, term });
      } else {
        for (const spelling of first.exact ?? []) push(rules.index, spelling, term);
      }
    }
  });
  return rules;
}

/**
 * Keywords a category competes with. A category defined without keywords (an operator's custom one)
 * falls back to the content words of its description (singular form, plurals matched), weight 1.
 */
function keywordsOf(category: CategoryDefinition): Array<string | KeywordRule> {
  if (Array.isArray(category.keywords) && category.keywords.length) return category.keywords;
  const words = new Set<string>();
  for (const w of tokenize(category.description ?? '')) {
    if (w.length <= 3 || DESCRIPTION_STOP.has(w) || !/^[a-z]+$/.test(w)) continue;
    words.add(w.endsWith('ies') ? `${w.slice(0, -3)}y` : w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w);
  }
  return [...words].map((term) => ({ term, weight: 1 }));
}

const DESCRIPTION_STOP = new Set([
  'about', 'also', 'and', 'any', 'are', 'asks', 'other', 'questions', 'request', 'requests', 'such', 'that',
  'their', 'them', 'there', 'these', 'they', 'this', 'those', 'user', 'users', 'what', 'when', 'where',
  'which', 'with', 'without', 'work', 'everything', 'else', 'like', 'including',
]);

const cache = new WeakMap<readonly CategoryDefinition[], CompiledRules>();

/** Compiled rules for a categories array, cached per array identity (the config holds one array). */
export function compiledRulesFor(categories: readonly CategoryDefinition[]): CompiledRules {
  let rules = cache.get(categories);
  if (!rules) {
    rules = compileRules(categories);
    cache.set(categories, rules);
  }
  return rules;
}

function matches(m: TokenMatcher, token: string | undefined): boolean {
  if (token === undefined) return false;
  if (m.prefix !== null) return token.startsWith(m.prefix);
  return m.exact !== null && m.exact.has(token);
}

/** Characters of a text that pattern rules read: its first 700 and last 300. */
export const PATTERN_WINDOW = 1000;

/** Terms lighter than this are weak cues (topic words); together they add at most WEAK_CAP per category. */
export const WEAK_WEIGHT = 1;
export const WEAK_CAP = 1;

// Terms already counted in the current text: seen[id] === generation. Reused across calls so the
// hot path allocates nothing per term.
let seenBuffer = new Uint32Array(1024);
let generation = 0;

function tryTerms(
  terms: CompiledTerm[], tokens: readonly string[], i: number, seen: Uint32Array, gen: number, scores: Float64Array,
  weak: Float64Array, factor: number, reasons: string[][] | null, gated: Gated | null,
): void {
  for (const term of terms) {
    if (seen[term.id] === gen) continue;
    let ok = true;
    for (let k = 0; k < term.rest.length && ok; k++) ok = matches(term.rest[k], tokens[i + 1 + k]);
    if (!ok) continue;
    seen[term.id] = gen;
    let add = term.weight;
    if (add > 0 && add < WEAK_WEIGHT) {
      add = Math.min(add, WEAK_CAP - weak[term.cat]);
      if (add <= 0) continue;
      weak[term.cat] += add;
    }
    scores[term.cat] += add * factor;
    if (reasons) reasons[term.cat].push(term.label);
    if (gated && term.gated) {
      gated.amount[term.cat] += add * factor;
      gated.labels.push(term.label);
    }
  }
}

/** What everyday code nouns added, per category, so the caller can take it back without an anchor. */
export interface Gated {
  amount: Float64Array;
  labels: string[];
}

/**
 * Adds factor × weight of every term found in tokens (each term once) to scores[category index];
 * weak terms (weight below 1) add up to at most 1 per category, so many topic words do not outvote
 * one strong cue;
 * patterns run on text when it is given. When reasons is passed, reasons[category index] collects
 * the labels of the terms that matched. Matches start only at token positions below maxStart.
 */
export function scoreText(
  rules: CompiledRules, tokens: readonly string[], text: string | null, scores: Float64Array, factor: number,
  reasons: string[][] | null, maxStart = tokens.length, gated: Gated | null = null,
): void {
  if (seenBuffer.length < rules.termCount) seenBuffer = new Uint32Array(rules.termCount * 2);
  if (++generation === 0xffffffff) {
    seenBuffer.fill(0);
    generation = 1;
  }
  const seen = seenBuffer;
  const gen = generation;
  const weak = new Float64Array(rules.names.length);
  const one: CompiledTerm[] = [];
  const starts = Math.min(maxStart, tokens.length);
  for (let i = 0; i < starts; i++) {
    const tok = tokens[i];
    const direct = rules.index.get(tok);
    if (direct) tryTerms(direct, tokens, i, seen, gen, scores, weak, factor, reasons, gated);
    const byFirst = rules.prefixes.get(tok[0]);
    if (!byFirst) continue;
    for (const { prefix, term } of byFirst) {
      if (!tok.startsWith(prefix)) continue;
      one[0] = term;
      tryTerms(one, tokens, i, seen, gen, scores, weak, factor, reasons, gated);
    }
  }
  if (text === null || rules.patterns.length === 0) return;
  // Patterns read the instruction, which sits at the start or the end of a long paste.
  const window = text.length <= PATTERN_WINDOW ? text : `${text.slice(0, PATTERN_WINDOW - 300)}\n${text.slice(-300)}`;
  for (const p of rules.patterns) {
    if (seen[p.id] === gen || !p.re.test(window)) continue;
    seen[p.id] = gen;
    scores[p.cat] += p.weight * factor;
    if (reasons) reasons[p.cat].push(p.label);
  }
}
