import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../src/core/token-bucket.js';

describe('TokenBucket', () => {
  const takeAll = (bucket: TokenBucket, now: number, tries: number) =>
    Array.from({ length: tries }, () => bucket.take(now)).filter(Boolean).length;

  it('allows a burst of one second’s worth, then refuses until time passes', () => {
    const bucket = new TokenBucket(100, 0);
    expect(takeAll(bucket, 0, 150)).toBe(100);
    expect(bucket.take(0)).toBe(false);
  });

  it('refills continuously: 100/s gives 10 more after 100 ms, never more than the burst', () => {
    const bucket = new TokenBucket(100, 0);
    takeAll(bucket, 0, 100);
    expect(takeAll(bucket, 100, 50)).toBe(10);
    expect(takeAll(bucket, 60_000, 500)).toBe(100);
  });

  it('holds a steady rate at the quota: 1,000 events over 10 s at 100/s all pass', () => {
    const bucket = new TokenBucket(100, 0);
    const passed = Array.from({ length: 1_000 }, (_, i) => bucket.take(i * 10)).filter(Boolean).length;
    expect(passed).toBe(1_000);
  });
});
