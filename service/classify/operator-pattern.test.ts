import { describe, expect, it } from 'vitest';
import { CATEGORIES } from './testdata/categories.ts';
import { backtrackingBound, compileOperatorPattern, NATIVE_WORK_LIMIT, UnsafePatternError } from './operator-pattern.ts';
import { DEFAULT_BOILERPLATE_PATTERNS } from './task-text.ts';

const flags = { ignoreCase: true, multiline: true };

describe('operator patterns', () => {
  it('runs every shipped keyword and boilerplate pattern in V8 (bounded backtracking)', () => {
    const shipped = CATEGORIES.flatMap((c) => c.keywords.flatMap((k) => (typeof k === 'object' && k.pattern ? [k.pattern] : [])));
    expect(shipped.length).toBeGreaterThan(10);
    for (const p of [...shipped, ...DEFAULT_BOILERPLATE_PATTERNS]) expect(compileOperatorPattern(p, flags).engine, p).toBe('native');
  });

  it.each([
    ['^(a+)+$', `${'a'.repeat(40)}b`],
    ['(a|a)*b', 'a'.repeat(40)],
    ['(x+x+)+y', 'x'.repeat(40)],
    ['\\s*\\s*\\s*\\s*x', ' '.repeat(1500)],
    ['(.*a){20}', 'a'.repeat(19) + 'b'.repeat(200)],
    // Overlap in one character outside Latin-1 is still seen.
    ['[\\u4e01-\\u4e02]*\\u4e02*[\\u4e02-\\u4e09]*\\u4e02*x', '\u4e02'.repeat(1500)],
  ])('runs %s in the linear-time engine, which answers hostile text at once', (p, hostile) => {
    expect(backtrackingBound(p)).toBeGreaterThan(NATIVE_WORK_LIMIT);
    const re = compileOperatorPattern(p, flags);
    expect(re.engine).toBe('linear');
    expect(re.test(hostile)).toBe(false);
  });

  it('answers like V8 in the linear engine and removes matches', () => {
    const re = compileOperatorPattern('^(a+)+$', { ignoreCase: false, multiline: true });
    expect(re.test('aaa')).toBe(true);
    expect(re.removeAll('aaa\nkeep\naa')).toBe('\nkeep\n');
  });

  it('refuses a pattern that could backtrack without bound and needs backtracking features, naming it', () => {
    expect(() => compileOperatorPattern('^(a+)+\\1$', flags)).toThrow(UnsafePatternError);
    expect(() => compileOperatorPattern('(?<=x)(\\s*)+y', flags)).toThrow(/\(\?<=x\)\(\\s\*\)\+y/);
  });

  it('keeps V8 for patterns whose repetition cannot branch', () => {
    for (const p of ['^[ \\t]*Runtime: .*$', '\\bsays\\b[^.?!]{0,40}\\blies\\b', '(?:\\w+\\s){0,3}input', '\\d+(?:\\.\\d+)?\\s*%', '(a)\\1']) {
      expect(compileOperatorPattern(p, flags).engine, p).toBe('native');
    }
  });
});
