// Regular expressions an operator supplies (category keyword `pattern`s, classifier boilerplate
// patterns) run on every request, so none may be able to freeze the process: V8's backtracking
// engine takes exponential time on patterns such as ^(a+)+$.
//
// Each pattern is analysed once, when it is configured: an upper bound on the backtracking work it
// can do on the longest text it is ever given (MAX_SCANNED_CHARS) is computed from its quantifiers.
//   - bound ≤ NATIVE_WORK_LIMIT: it runs in V8 (fast; the shipped patterns are all of this kind);
//   - above: it runs in RE2JS, a linear-time engine (no backtracking at all, ~10-40× slower);
//   - above, and RE2 cannot express it (backreferences, lookaround): it is refused, naming it.
import { RE2JS } from 're2js';

/** Longest text an operator pattern reads: task turns are bounded to 1,500 characters before matching. */
export const MAX_SCANNED_CHARS = 2000;
/** Worst-case backtracking steps allowed in V8 (≈ a few ms on this scale at worst). */
export const NATIVE_WORK_LIMIT = 2e7;

export interface OperatorPattern {
  readonly source: string;
  readonly engine: 'native' | 'linear';
  test(text: string): boolean;
  /** The text with every match removed. */
  removeAll(text: string): string;
}

export class UnsafePatternError extends Error {}

interface Flags {
  ignoreCase: boolean;
  multiline: boolean;
}

/** Compiles an operator's pattern; throws (with the pattern in the message) when it cannot be run safely. */
export function compileOperatorPattern(source: string, flags: Flags): OperatorPattern {
  const native = new RegExp(source, `g${flags.ignoreCase ? 'i' : ''}${flags.multiline ? 'm' : ''}`); // throws on bad syntax
  const work = backtrackingBound(source);
  if (work <= NATIVE_WORK_LIMIT) {
    return {
      source, engine: 'native',
      test(text) { native.lastIndex = 0; return native.test(text); },
      removeAll(text) { native.lastIndex = 0; return text.replace(native, ''); },
    };
  }
  let linear: RE2JS;
  try {
    linear = RE2JS.compile(toRe2Syntax(source), (flags.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0) | (flags.multiline ? RE2JS.MULTILINE : 0));
  } catch (error) {
    throw new UnsafePatternError(
      `pattern /${source}/ can backtrack catastrophically (nested or stacked repetition) and uses a feature ` +
      `the linear-time engine lacks (${(error as Error).message}); rewrite it without nested quantifiers`,
    );
  }
  return {
    source, engine: 'linear',
    test: (text) => linear.matcher(text).find(),
    removeAll: (text) => linear.matcher(text).replaceAll(''),
  };
}

/** JavaScript escapes RE2 spells differently: \uXXXX and \u{…} are \x{…} there. */
function toRe2Syntax(source: string): string {
  return source.replace(/(?<!\\)((?:\\\\)*)\\u(?:\{([0-9a-fA-F]+)\}|([0-9a-fA-F]{4}))/g, (_m, lead: string, braced?: string, four?: string) => `${lead}\\x{${braced ?? four}}`);
}

// --- Bound on backtracking ------------------------------------------------------------------------
// A small parser over the pattern's source. The work of a sequence is the product of its parts'; a
// quantifier with at most m repetitions multiplies by m+1 when it repeats one character, and raises
// its body's work to the m-th power when the body can itself match in several ways (nested
// quantifiers, alternatives under repetition). A repeated character that cannot match any character
// that may follow it (`[ \t]*Runtime`, `\s+(?:the|a)`, `\w+\s`) gives back what it took without
// branching and counts once. A backreference matches one fixed text. The bound is loose on purpose: it only has
// to be finite for patterns V8 runs fast and large for those it does not.

interface Node {
  work: number;
  /** The node is one character atom (`a`, `\s`, `[^.?!]`), as written. */
  single: string | null;
  /** Character atoms that can start a match; null when unknown. */
  firsts: string[] | null;
  /** Can match the empty string (or is zero-width). */
  nullable: boolean;
  /** A quantified single character: its atom (for the follow check). */
  repeated?: string;
}

const ZERO_WIDTH: Node = { work: 1, single: null, firsts: [], nullable: true };

/** Firsts of items[from..] (null when unknown, or when all can be empty and the rest lies outside). */
function firstsFrom(items: readonly Node[], from: number): string[] | null {
  const out: string[] = [];
  for (let k = from; k < items.length; k++) {
    const f = items[k].firsts;
    if (f === null) return null;
    out.push(...f);
    if (!items[k].nullable) return out;
  }
  return null;
}

class Parser {
  i = 0;
  readonly src: string;
  constructor(src: string) {
    this.src = src;
  }

  alternation(repeated: boolean): Node {
    const branches: Node[] = [this.sequence(repeated)];
    while (this.src[this.i] === '|') {
      this.i++;
      branches.push(this.sequence(repeated));
    }
    if (branches.length === 1) return branches[0];
    const works = branches.map((b) => b.work);
    const firsts = branches.some((b) => b.firsts === null) ? null : branches.flatMap((b) => b.firsts ?? []);
    return { work: repeated ? works.reduce((a, b) => a + b, 0) : Math.max(...works), single: null, firsts, nullable: branches.some((b) => b.nullable) };
  }

  sequence(repeated: boolean): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') items.push(this.quantified(repeated));
    let work = 1;
    for (let k = 0; k < items.length; k++) {
      const item = items[k];
      if (item.repeated) {
        const follow = firstsFrom(items, k + 1);
        if (follow && follow.every((f) => disjoint(item.repeated as string, f))) continue;
      }
      work *= item.work;
    }
    if (items.length === 1) return items[0];
    return { work, single: null, firsts: firstsFrom(items, 0) ?? (items.every((x) => x.nullable) ? null : null), nullable: items.every((x) => x.nullable) };
  }

  quantified(repeated: boolean): Node {
    const start = this.i;
    const atom = this.atom(repeated);
    const q = this.quantifier();
    if (!q) return atom;
    const max = Math.min(q.max, MAX_SCANNED_CHARS);
    const inner = q.max > 1 ? this.reparse(start, atom) : atom;
    const work = inner.work <= 1 ? max + 1 : Math.pow(inner.work, Math.max(1, max)) * (max + 1);
    const node: Node = { work, single: null, firsts: atom.firsts, nullable: q.min === 0 || atom.nullable };
    if (atom.single) node.repeated = atom.single;
    return node;
  }

  /** The atom again, parsed as repeated (alternatives inside it then add up). */
  reparse(start: number, atom: Node): Node {
    if (this.src[start] !== '(') return atom;
    const save = this.i;
    this.i = start;
    const again = this.atom(true);
    this.i = save;
    return again;
  }

  quantifier(): { min: number; max: number } | null {
    const c = this.src[this.i];
    let min = 0;
    let max: number;
    if (c === '*' || c === '+') { this.i++; max = Infinity; min = c === '+' ? 1 : 0; }
    else if (c === '?') { this.i++; max = 1; }
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) return null;
      this.i += m[0].length;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    } else return null;
    if (this.src[this.i] === '?') this.i++; // lazy: same bound
    return { min, max };
  }

  atom(repeated: boolean): Node {
    const s = this.src;
    const c = s[this.i];
    if (c === '(') {
      this.i++;
      let lookaround = false;
      if (s[this.i] === '?') {
        const m = /^\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>|[a-z]*-?[a-z]*:)/.exec(s.slice(this.i));
        lookaround = !!m && /^\?(?:=|!|<=|<!)$/.test(m[0]);
        this.i += m ? m[0].length : 1;
      }
      const body = this.alternation(repeated);
      if (s[this.i] === ')') this.i++;
      return lookaround ? { ...ZERO_WIDTH, work: body.work } : { work: body.work, single: null, firsts: body.firsts, nullable: body.nullable };
    }
    if (c === '[') {
      const start = this.i;
      this.i++;
      if (s[this.i] === '^') this.i++;
      if (s[this.i] === ']') this.i++;
      while (this.i < s.length && s[this.i] !== ']') this.i += s[this.i] === '\\' ? 2 : 1;
      this.i++;
      const atom = s.slice(start, this.i);
      return { work: 1, single: atom, firsts: [atom], nullable: false };
    }
    if (c === '\\') {
      const next = s[this.i + 1] ?? '';
      if (/[1-9]/.test(next) || (next === 'k' && s[this.i + 2] === '<')) {
        this.i += 2;
        return { work: 1, single: null, firsts: null, nullable: true }; // a backreference: matches one fixed text
      }
      const m = /^\\(?:[pP]\{[^}]*\}|u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|c[A-Za-z]|.)/s.exec(s.slice(this.i));
      const text = m ? m[0] : '\\';
      this.i += text.length;
      if (text === '\\b' || text === '\\B') return ZERO_WIDTH;
      return { work: 1, single: text, firsts: [text], nullable: false };
    }
    this.i++;
    if (c === '^' || c === '$') return ZERO_WIDTH;
    const atom = c === '.' ? '.' : escapeChar(c);
    return { work: 1, single: atom, firsts: [atom], nullable: false };
  }
}

const escapeChar = (c: string) => c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

// Whether two character atoms can match one character: tested on every ASCII/Latin-1 unit, every 64th
// unit of the BMP, the Unicode spaces, and each unit either atom's source names (with its neighbours):
// two ranges that overlap always share an endpoint of one of them, so a narrow overlap is not missed.
const SAMPLE: readonly number[] = (() => {
  const out: number[] = [];
  for (let u = 0; u < 0x100; u++) out.push(u);
  for (let u = 0x100; u < 0x10000; u += 64) out.push(u);
  out.push(0x1680, 0x180e, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff);
  for (let u = 0x2000; u <= 0x200a; u++) out.push(u);
  return out;
})();

function unitsNamed(atom: string): number[] {
  const out: number[] = [];
  for (const m of atom.matchAll(/\\u\{([0-9a-fA-F]+)\}|\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|[\s\S]/g)) {
    const hex = m[1] ?? m[2] ?? m[3];
    const u = hex ? Number.parseInt(hex, 16) : m[0].charCodeAt(0);
    if (u < 0x10000) out.push(u - 1, u, u + 1);
  }
  return out;
}

const matchers = new Map<string, RegExp | null>();
function matcherOf(atom: string): RegExp | null {
  let re = matchers.get(atom);
  if (re !== undefined) return re;
  try {
    re = new RegExp(`^(?:${atom})$`, 'is');
  } catch {
    re = null;
  }
  if (matchers.size > 512) matchers.clear();
  matchers.set(atom, re);
  return re;
}

/** No character matches both atoms. */
function disjoint(a: string, b: string): boolean {
  const x = matcherOf(a);
  const y = matcherOf(b);
  if (!x || !y) return false;
  for (const list of [SAMPLE, unitsNamed(a), unitsNamed(b)]) {
    for (const u of list) {
      if (u < 0 || u > 0xffff) continue;
      const ch = String.fromCharCode(u);
      if (x.test(ch) && y.test(ch)) return false;
    }
  }
  return true;
}

/** Upper bound on V8's backtracking steps for the pattern on a text of MAX_SCANNED_CHARS characters. */
export function backtrackingBound(source: string): number {
  const parser = new Parser(source);
  const root = parser.alternation(false);
  return MAX_SCANNED_CHARS * root.work;
}
