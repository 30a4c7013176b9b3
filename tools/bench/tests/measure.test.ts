import { describe, expect, it } from 'vitest';
import { formatComparison, meetsTarget, percentile, summarize } from '../src/measure.js';

describe('benchmark summaries', () => {
  it('takes nearest-rank percentiles whatever the order of the samples', () => {
    const samples = [50, 10, 40, 20, 30, 100, 90, 80, 70, 60];
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 95)).toBe(100);
    expect(percentile([7], 95)).toBe(7);
    expect(summarize(samples)).toEqual({ count: 10, min: 10, p50: 50, p95: 100, max: 100 });
  });

  it('refuses to summarize no samples rather than print NaN', () => {
    expect(() => percentile([], 50)).toThrow(/no samples/);
  });

  it('prints the ratio to the baseline and whether the target is met', () => {
    const line = formatComparison({
      label: 'time to first query',
      valueMs: 3400,
      baselineMs: 850,
      targetMs: 10_000,
    });
    expect(line).toMatch(/3\.40 s\s+= 4\.0× baseline \(850 ms\)\s+target ≤ 10\.00 s\s+ok$/);
    const missed = { label: 'latency', valueMs: 2500, baselineMs: 10, targetMs: 2000 };
    expect(meetsTarget(missed)).toBe(false);
    expect(formatComparison(missed)).toMatch(/250\.0× baseline.*MISSED$/);
  });
});
