import { describe, expect, it } from 'vitest';
import { windowBuckets } from './metrics-query.ts';
import { LATENCY_BINS, binOf, binUpperMs, percentile } from './request-rollup.ts';

const histogram = (values: number[]) => {
  const bins = Array.from({ length: LATENCY_BINS }, () => 0);
  for (const v of values) bins[binOf(v)]++;
  return bins;
};

describe('percentile', () => {
  it('is exact for one value and clamped to the smallest and largest seen', () => {
    expect(percentile(histogram([123.45]), 123.45, 123.45, 0.5)).toBe(123.45);
    expect(percentile(histogram([10, 10, 10, 5000]), 10, 5000, 0.95)).toBe(5000);
    expect(percentile(histogram([]), null, null, 0.5)).toBeNull();
  });

  it('lands within a bin of the exact rank', () => {
    const values = Array.from({ length: 1000 }, (_, i) => 20 + i * 3);
    const p50 = percentile(histogram(values), 20, values.at(-1)!, 0.5)!;
    expect(p50 / values[499]).toBeGreaterThan(1 / Math.SQRT2);
    expect(p50 / values[499]).toBeLessThan(Math.SQRT2);
  });
});

describe('binOf', () => {
  it('puts each value in the bin whose bounds hold it', () => {
    for (const ms of [0, 0.5, 1, 1.5, 2, 99, 1000, 60_000, 1e9]) {
      const bin = binOf(ms);
      expect(ms).toBeLessThan(bin === LATENCY_BINS - 1 ? Infinity : binUpperMs(bin));
      if (bin > 0) expect(ms).toBeGreaterThanOrEqual(binUpperMs(bin - 1));
    }
  });
});

describe('windowBuckets', () => {
  const now = Date.UTC(2026, 10, 28, 12, 30, 15);
  it('sums whole hours by the hour and the part before them by the minute', () => {
    expect(windowBuckets(now - 3_600_000, now)).toEqual({ hourFrom: Date.UTC(2026, 10, 28, 12), minuteFrom: Date.UTC(2026, 10, 28, 11, 30) });
  });
  it('starts at the whole hour past the two days minute roll-ups are kept', () => {
    expect(windowBuckets(now - 7 * 86_400_000, now)).toEqual({ hourFrom: Date.UTC(2026, 10, 21, 12), minuteFrom: 0 });
  });
});
