// A simulated fleet's CONNECTs stay within AWS IoT Core's 500 a second per account: a fleet the local
// broker's burst of 10,000 covers connects at once; a larger one is spread at 500 a second.
import { describe, expect, it } from 'vitest';
import { awsConnectPacing, connectDelayMsOf } from '../../src/core/index.js';

describe('connectDelayMsOf', () => {
  it('connects a fleet of up to 10,000 devices at once', () => {
    expect(connectDelayMsOf(0, 10_000, awsConnectPacing)).toBe(0);
    expect(connectDelayMsOf(9_999, 10_000, awsConnectPacing)).toBe(0);
  });

  it('spreads a fleet of more than 10,000 devices at 500 CONNECTs a second', () => {
    const delays = [0, 1, 499, 500, 10_000].map((index) => connectDelayMsOf(index, 10_001, awsConnectPacing));
    expect(delays).toEqual([0, 2, 998, 1000, 20_000]);
    const inFirstSecond = Array.from({ length: 20_000 }, (_, i) =>
      connectDelayMsOf(i, 20_000, awsConnectPacing),
    ).filter((delayMs) => delayMs < 1000).length;
    expect(inFirstSecond).toBe(500);
  });
});
