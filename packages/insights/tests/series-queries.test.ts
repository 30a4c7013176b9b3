// Choosing a chart's bucket size and source table (pure).
import { describe, expect, it } from 'vitest';
import { planSeries } from '../src/core/index.js';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const now = Date.UTC(2026, 10, 25, 5, 15, 30, 123);

const bucketsOf = ({ fromMs, toMs, bucketMs }: { fromMs: number; toMs: number; bucketMs: number }) =>
  Math.ceil((toMs - fromMs) / bucketMs);

describe('planSeries', () => {
  it('reads raw telemetry for an hour in 30-second buckets when 240 points are allowed', () => {
    // 15 s would give 241 buckets once the start is aligned down to a bucket boundary.
    expect(planSeries(now - hour, now, 240)).toMatchObject({ bucketMs: 30_000, source: 'telemetry' });
  });

  it('reads the per-minute rollups for two days and the hourly ones for a month', () => {
    expect(planSeries(now - 2 * day, now, 240)).toMatchObject({
      bucketMs: 15 * minute,
      source: 'telemetry_1m',
    });
    // 3 h would give 241 buckets once the start is aligned.
    expect(planSeries(now - 30 * day, now, 240)).toMatchObject({
      bucketMs: 6 * hour,
      source: 'telemetry_1h',
    });
  });

  it('uses whole days past the ladder, from the hourly rollups', () => {
    const plan = planSeries(now - 5 * 365 * day, now, 100);
    expect(plan.bucketMs % day).toBe(0);
    expect(plan.source).toBe('telemetry_1h');
    expect(bucketsOf(plan)).toBeLessThanOrEqual(100);
  });

  it('never plans more buckets than maxPoints, and aligns the start to a bucket boundary', () => {
    for (const rangeMs of [1_000, 59_999, 10 * minute, 7 * hour + 13, 3 * day, 90 * day]) {
      for (const maxPoints of [1, 2, 7, 60, 240, 1000]) {
        const plan = planSeries(now - rangeMs, now, maxPoints);
        expect(bucketsOf(plan), `${rangeMs} ms in ${maxPoints} points`).toBeLessThanOrEqual(maxPoints);
        expect(plan.fromMs % plan.bucketMs).toBe(0);
        expect(plan.fromMs).toBeLessThanOrEqual(now - rangeMs);
        if (plan.source === 'telemetry_1m') expect(plan.bucketMs % minute).toBe(0);
        if (plan.source === 'telemetry_1h') expect(plan.bucketMs % hour).toBe(0);
      }
    }
  });

  it('refuses an empty range', () => {
    expect(() => planSeries(now, now, 10)).toThrow(/empty/);
  });
});
