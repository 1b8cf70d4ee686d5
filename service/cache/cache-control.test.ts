import { describe, expect, it } from 'vitest';
import { parseCacheControl } from './cache-control.ts';

describe('parseCacheControl', () => {
  it('reads no-store, no-cache and max-age in any case and order', () => {
    expect(parseCacheControl('No-Store')).toEqual({ noStore: true, noCache: false, maxAgeS: null });
    expect(parseCacheControl('max-age=30, no-cache')).toEqual({ noStore: false, noCache: true, maxAgeS: 30 });
    expect(parseCacheControl('max-age="0"')).toEqual({ noStore: false, noCache: false, maxAgeS: 0 });
  });

  it('ignores what it does not understand', () => {
    expect(parseCacheControl(undefined)).toEqual({ noStore: false, noCache: false, maxAgeS: null });
    expect(parseCacheControl('max-age=-1, max-age=abc, private, max-age')).toEqual({ noStore: false, noCache: false, maxAgeS: null });
  });

  it('takes the smallest of several max-age values', () => {
    expect(parseCacheControl('max-age=60, max-age=5').maxAgeS).toBe(5);
  });
});
