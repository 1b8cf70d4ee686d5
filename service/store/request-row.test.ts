import { describe, expect, it } from 'vitest';
import type { RequestRecord } from './request-log.ts';
import { FIELD_LIMITS, attemptsJson, finite, rowValues, text } from './request-row.ts';

const base: RequestRecord = {
  id: 'r1', ts: 1_700_000_000_000, category: 'code', classifierMethod: 'keyword', requestedModel: 'router', target: 'p/m', status: 200, outcome: 'ok',
  attempts: [{ target: 'p/m', outcome: 'ok', ms: 12 }], totalMs: 20, ttfbMs: 5, promptTokens: 10, completionTokens: 2, cachedTokens: null, reasoningTokens: null,
  costUsd: 0.001, costSource: 'pricing', stream: false, usageEstimated: false, userAgent: 'sdk/1', error: null,
};

describe('rowValues', () => {
  it('binds token counts that are objects, booleans, arrays, strings or not finite as null', () => {
    for (const odd of [{ n: 1 }, true, [1, 2], '12', Number.NaN, Number.POSITIVE_INFINITY]) {
      const row = rowValues({ ...base, promptTokens: odd, completionTokens: odd, cachedTokens: odd, reasoningTokens: odd, costUsd: odd, ttfbMs: odd } as unknown as RequestRecord);
      expect(row.slice(11, 17)).toEqual([null, null, null, null, null, null]);
    }
  });

  it('gives NOT NULL columns a value whatever the record holds', () => {
    const row = rowValues({ ...base, id: 7, ts: 'x', status: {}, outcome: null, attempts: 'none', totalMs: [], stream: 'yes', usageEstimated: 1 } as unknown as RequestRecord);
    expect(row[0]).toBe('');
    expect(typeof row[1]).toBe('number');
    expect([row[6], row[7], row[8], row[9], row[10], row[18], row[21]]).toEqual([0, 'error', '[]', 0, 0, 0, 0]);
  });

  it('cuts client and upstream text to its column limit', () => {
    const long = 'm'.repeat(9_000_000);
    const row = rowValues({ ...base, requestedModel: long, userAgent: long, error: long, category: long, target: long });
    expect(row[4]!.length).toBe(FIELD_LIMITS.requestedModel);
    expect(row[4]!.endsWith('…')).toBe(true);
    expect(row[19]!.length).toBe(FIELD_LIMITS.userAgent);
    expect(row[20]!.length).toBe(FIELD_LIMITS.error);
    expect(row[2]!.length).toBe(FIELD_LIMITS.category);
    expect(row[5]!.length).toBe(FIELD_LIMITS.target);
  });
});

describe('attemptsJson', () => {
  it('keeps short attempts as they are', () => {
    const attempts = [{ target: 'a/b', outcome: 'error', ms: 3, status: 503, error: 'down', detail: { provider: 'x' } }];
    expect(JSON.parse(attemptsJson(attempts))).toEqual(attempts);
  });

  it('stays parseable and bounded for huge, cyclic or deeply nested details and many attempts', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const attempts = Array.from({ length: 500 }, (_, i) => ({ target: `p/${'t'.repeat(10_000)}`, outcome: 'error', ms: i, error: 'e'.repeat(100_000), detail: [cyclic, deep, 'd'.repeat(1e6)][i % 3] }));
    const json = attemptsJson(attempts);
    expect(json.length).toBeLessThanOrEqual(FIELD_LIMITS.attemptsJson);
    const parsed = JSON.parse(json);
    expect(parsed.length).toBeGreaterThan(0);
    expect(parsed.length).toBeLessThanOrEqual(FIELD_LIMITS.attempts);
  });

  it('reads attempts that are not objects as empty ones', () => {
    expect(JSON.parse(attemptsJson([null, 3, 'x']))).toEqual([
      { target: null, outcome: null, ms: null },
      { target: null, outcome: null, ms: null },
      { target: null, outcome: null, ms: null },
    ]);
  });
});

describe('text and finite', () => {
  it('pass through what fits and refuse other types', () => {
    expect(text('abc', 3)).toBe('abc');
    expect(text('abcd', 3)).toBe('ab…');
    expect(text(5, 3)).toBeNull();
    expect(finite(-1.5)).toBe(-1.5);
    expect(finite(10n)).toBeNull();
  });
});
