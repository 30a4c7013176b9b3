import { describe, expect, it } from 'vitest';
import { allMet, platformBudgetMicros, verdictsOf, type E2eResults } from '../src/e2e/e2e-report.js';
import { memoryTrendOf, type MemorySample } from '../src/e2e/memory-trend.js';

const mb = 1024 * 1024;
/** A GC sawtooth between 400 and 500 MB, one tooth every 10 s, plus `climbPerMinute` MB a minute. */
const sawtooth = (minutes: number, climbPerMinute: number): MemorySample[] =>
  Array.from({ length: minutes * 30 }, (_, i) => ({
    atMs: i * 2_000,
    rssBytes: (400 + (i % 5) * 25 + (climbPerMinute * i * 2) / 60) * mb,
  }));

describe('e2e memory trend', () => {
  it('calls a steady sawtooth flat and a slow leak under the sawtooth not flat', () => {
    const steady = memoryTrendOf(sawtooth(10, 0));
    expect(steady.flat).toBe(true);
    expect(Math.abs(steady.growth)).toBeLessThan(0.02);
    const leaking = memoryTrendOf(sawtooth(10, 10));
    expect(leaking.flat).toBe(false);
    // The sawtooth blurs the fitted slope a little; the leak's 10 MB/min still shows.
    expect(leaking.secondHalfSlopeBytesPerMinute / mb).toBeGreaterThan(8);
    expect(leaking.secondHalfSlopeBytesPerMinute / mb).toBeLessThan(12);
  });

  it('refuses to judge a series too short to have two halves', () => {
    expect(() => memoryTrendOf(sawtooth(10, 0).slice(0, 3))).toThrow(/at least 4 samples/);
  });
});

const window = (acknowledgedPerSecond: number, deliveredPerSecond = acknowledgedPerSecond) => ({
  acknowledgedPerSecond,
  deliveredPerSecond,
  acknowledgeMs: { p50: 20, p99: 60 },
  cpuMicrosPerMessage: { broker: 10, devices: 20 },
});

const resultsWith = (overrides: Partial<E2eResults>): E2eResults => ({
  devices: 250,
  maxInFlightPerDevice: 10,
  onboardingMs: 10_000,
  rates: { platform: window(9_000), bare: window(10_000), rounds: 3, offeredPerSecond: 22_500 },
  halfRate: 4_500,
  freshness: {
    queryableMs: [300, 400, 900],
    queryableAtAnswer: 0,
    answeredMs: [600, 700, 1_200],
    deliveredMs: [5, 6, 7],
    queryMs: [20, 30],
    engineMs: [10, 20],
    pending: 0,
  },
  batched: {
    platform: window(2_000, 1_000_000),
    bare: window(2_000, 1_000_000),
    offeredPerSecond: 1e6,
    backlogRecords: 0,
  },
  peakRssBytes: 500 * mb,
  soak: { minutes: 10, judged: true, trend: memoryTrendOf(sawtooth(10, 0)) },
  ...overrides,
});

describe('e2e targets', () => {
  it('passes a run that meets every target', () => {
    expect(allMet(verdictsOf(resultsWith({})))).toBe(true);
  });

  it('misses the message rate below 0.8× bare aedes, and freshness with no probe seen in SQL', () => {
    const slow = verdictsOf(resultsWith({ rates: { ...resultsWith({}).rates, platform: window(7_900) } }));
    expect(slow.messageRate).toBe(false);
    const unseen = verdictsOf(
      resultsWith({
        freshness: {
          queryableMs: [],
          queryableAtAnswer: 0,
          answeredMs: [],
          deliveredMs: [5],
          queryMs: [20],
          engineMs: [10],
          pending: 40,
        },
      }),
    );
    expect(unseen.freshness).toBe(false);
    expect(allMet(unseen)).toBe(false);
  });

  it('judges the message rate by what reached SQL when the platform acknowledged more than that', () => {
    const backlogging = verdictsOf(
      resultsWith({ rates: { ...resultsWith({}).rates, platform: window(9_000, 7_000) } }),
    );
    expect(backlogging.messageRate).toBe(false);
  });

  it('leaves memory unjudged on a run no length was asked for, and fails a leak on one that was', () => {
    const leak = memoryTrendOf(sawtooth(10, 10));
    const short = verdictsOf(resultsWith({ soak: { minutes: 0.3, judged: false, trend: leak } }));
    expect(short.memoryBounded).toBeUndefined();
    expect(allMet(short)).toBe(true);
    expect(allMet(verdictsOf(resultsWith({ soak: { minutes: 10, judged: true, trend: leak } })))).toBe(false);
  });
});

describe('e2e CPU budget', () => {
  it('spreads the CPU bare aedes and its devices used over 0.8× its rate, less what the platform’s devices use', () => {
    const cpu = (broker: number, devices: number) => ({ ...window(1), cpuMicrosPerMessage: { broker, devices } });
    const rates = { platform: cpu(60, 24), bare: cpu(9, 19), rounds: 3, offeredPerSecond: 27_000 };
    // (9 + 19) / 0.8 = 35 µs a message in all, 24 of them the devices' over mutual TLS.
    expect(platformBudgetMicros(rates)).toBeCloseTo(11, 9);
    expect(platformBudgetMicros({ ...rates, platform: cpu(60, 40) })).toBeCloseTo(-5, 9);
  });
});
