import { describe, expect, it } from 'vitest';
import {
  SignalTimeOrderError,
  SimulationSpecError,
  signalOf,
  type SignalSpecInput,
} from '../../src/core/simulation/index.js';
import { hourMs, meanOf, midnight, minuteMs, sdOf, seriesOf } from './series.js';

const everything: SignalSpecInput = {
  base: 20,
  trendPerHour: 0.1,
  seasonality: { amplitude: 3, peakHourUtc: 15 },
  noiseSd: 0.5,
  driftSdPerSqrtHour: 0.2,
  anomalies: {
    spikes: { perHour: 1, magnitudeSd: 8 },
    steps: { perHour: 0.2, magnitudeSd: 10, labelledForMs: 10 * minuteMs },
    drifts: { perHour: 0.2, magnitudeSd: 10, durationMs: 30 * minuteMs },
  },
};

describe('signalOf: reproducible signals', () => {
  it('gives the same points for the same seed, and different ones for another seed', () => {
    const first = seriesOf(everything, 7, 3000);
    expect(seriesOf(everything, 7, 3000)).toEqual(first);
    const other = seriesOf(everything, 8, 3000);
    expect(other.map((p) => p.value)).not.toEqual(first.map((p) => p.value));
  });

  it('keeps the noise of a seed unchanged when anomalies are switched off (one random stream per component)', () => {
    const withAnomalies = seriesOf(everything, 7, 3000);
    const without = seriesOf({ ...everything, anomalies: {} }, 7, 3000);
    const untouched = withAnomalies.findIndex((p) => p.anomaly !== null);
    expect(untouched).toBeGreaterThan(0);
    expect(withAnomalies.slice(0, untouched)).toEqual(without.slice(0, untouched));
  });
});

describe('signalOf: the spec is what the signal shows', () => {
  it('has gaussian noise with the specified sd', () => {
    const values = seriesOf({ base: 10, noiseSd: 2 }, 1, 40_000).map((p) => p.value);
    expect(meanOf(values)).toBeCloseTo(10, 1);
    expect(sdOf(values)).toBeGreaterThan(2 * 0.98);
    expect(sdOf(values)).toBeLessThan(2 * 1.02);
    // About 68 % of gaussian draws lie within one sd of the mean.
    const withinOneSd = values.filter((v) => Math.abs(v - 10) < 2).length / values.length;
    expect(withinOneSd).toBeGreaterThan(0.67);
    expect(withinOneSd).toBeLessThan(0.69);
  });

  it('has a daily cycle of the specified amplitude, peaking at the specified UTC hour', () => {
    const days = 4;
    const points = seriesOf(
      { base: 0, noiseSd: 0.3, seasonality: { amplitude: 3, peakHourUtc: 15 } },
      2,
      days * 24 * 60,
    );
    // Project onto the daily cosine and sine (a one-frequency Fourier fit over whole days).
    let cosine = 0;
    let sine = 0;
    for (const { ts, value } of points) {
      const angle = (2 * Math.PI * (ts - midnight)) / (24 * hourMs);
      cosine += value * Math.cos(angle);
      sine += value * Math.sin(angle);
    }
    const amplitude = (2 / points.length) * Math.hypot(cosine, sine);
    const peakHour = ((Math.atan2(sine, cosine) / (2 * Math.PI)) * 24 + 24) % 24;
    expect(amplitude).toBeGreaterThan(3 * 0.99);
    expect(amplitude).toBeLessThan(3 * 1.01);
    expect(peakHour).toBeCloseTo(15, 1);
  });

  it('rises by trendPerHour each hour', () => {
    const points = seriesOf({ base: 5, trendPerHour: 0.5, noiseSd: 1 }, 3, 48 * 60);
    const hours = points.map((p) => (p.ts - midnight) / hourMs);
    const values = points.map((p) => p.value);
    const hourMean = meanOf(hours);
    const valueMean = meanOf(values);
    const slope =
      hours.reduce((sum, h, i) => sum + (h - hourMean) * (values[i]! - valueMean), 0) /
      hours.reduce((sum, h) => sum + (h - hourMean) ** 2, 0);
    expect(slope).toBeCloseTo(0.5, 2);
  });

  it('drifts as a random walk whose hourly change has the specified sd', () => {
    const points = seriesOf({ base: 0, driftSdPerSqrtHour: 0.4 }, 4, 2000, hourMs / 4);
    const hourly = points.filter((_, i) => i % 4 === 0).map((p) => p.value);
    const changes = hourly.slice(1).map((value, i) => value - hourly[i]!);
    expect(sdOf(changes)).toBeGreaterThan(0.4 * 0.88);
    expect(sdOf(changes)).toBeLessThan(0.4 * 1.12);
  });
});

describe('signalOf: injected anomalies', () => {
  const baseline: SignalSpecInput = { base: 0, noiseSd: 1.5, seasonality: { amplitude: 2, peakHourUtc: 6 } };
  const twinsOf = (anomalies: SignalSpecInput['anomalies'], count = 6000) => ({
    injected: seriesOf({ ...baseline, anomalies }, 11, count),
    clean: seriesOf(baseline, 11, count),
  });

  it('labels a spike exactly at the one point it moves, by magnitude × noise sd (6 × 1.5)', () => {
    const { injected, clean } = twinsOf({ spikes: { perHour: 2, magnitudeSd: 6 } });
    const moved = injected.filter((p, i) => p.value !== clean[i]!.value);
    const labelled = injected.filter((p) => p.anomaly !== null);
    expect(moved.length).toBeGreaterThan(100); // ~200 expected over 100 hours
    expect(labelled).toEqual(moved);
    for (const point of labelled) {
      expect(point.anomaly).toEqual({ kind: 'spike', startedAt: point.ts });
      const i = injected.indexOf(point);
      expect(Math.abs(point.value - clean[i]!.value)).toBeCloseTo(9, 9);
    }
  });

  it('keeps a step’s level after its labelled window ends', () => {
    const { injected, clean } = twinsOf(
      { steps: { perHour: 0.05, magnitudeSd: 10, labelledForMs: 10 * minuteMs } },
      24 * 60,
    );
    const first = injected.findIndex((p) => p.anomaly !== null);
    expect(first).toBeGreaterThan(0);
    const shift = injected[first]!.value - clean[first]!.value;
    expect(Math.abs(shift)).toBeCloseTo(15, 9);
    const labelled = injected.filter((p) => p.anomaly?.startedAt === injected[first]!.ts);
    expect(labelled).toHaveLength(10); // one point a minute for 10 minutes
    expect(labelled.every((p) => p.anomaly?.kind === 'step')).toBe(true);
    // After the window, unlabelled, the shift is still there until the next anomaly.
    const next = injected.findIndex((p, i) => i > first + 10 && p.anomaly !== null);
    const after = injected.slice(first + 10, next === -1 ? undefined : next);
    expect(after.length).toBeGreaterThan(0);
    after.forEach((point) => {
      expect(point.anomaly).toBeNull();
      expect(point.value - clean[injected.indexOf(point)]!.value).toBeCloseTo(shift, 9);
    });
  });

  it('ramps a drift episode linearly to its magnitude over its duration, then keeps the level', () => {
    const { injected, clean } = twinsOf(
      { drifts: { perHour: 0.05, magnitudeSd: 12, durationMs: 30 * minuteMs } },
      24 * 60,
    );
    const first = injected.findIndex((p) => p.anomaly !== null);
    expect(first).toBeGreaterThan(0);
    const offsets = injected.slice(first, first + 31).map((p, k) => p.value - clean[first + k]!.value);
    const direction = Math.sign(offsets[30]!);
    offsets.forEach((offset, minute) => expect(offset).toBeCloseTo((direction * 18 * minute) / 30, 9));
    expect(injected.slice(first, first + 30).every((p) => p.anomaly?.kind === 'drift')).toBe(true);
    expect(injected[first + 30]!.anomaly).not.toEqual({ kind: 'drift', startedAt: injected[first]!.ts });
  });

  it('never opens a second anomaly while one is open, so windows cannot overlap', () => {
    const points = seriesOf(everything, 5, 20_000);
    const kinds = new Set(points.flatMap((p) => (p.anomaly ? [p.anomaly.kind] : [])));
    expect(kinds).toEqual(new Set(['spike', 'step', 'drift']));
    let open: { startedAt: number } | null = null;
    const seen = new Set<number>();
    for (const point of points) {
      if (point.anomaly && point.anomaly !== open) {
        expect(seen.has(point.anomaly.startedAt)).toBe(false); // a window does not resume after closing
        expect(point.anomaly.startedAt).toBe(point.ts);
        seen.add(point.anomaly.startedAt);
      }
      open = point.anomaly;
    }
  });
});

describe('signalOf: misuse', () => {
  it('rejects a spec whose anomalies have no noise sd to be measured in', () => {
    expect(() => signalOf({ base: 1, anomalies: { spikes: { perHour: 1, magnitudeSd: 5 } } }, 1)).toThrow(
      SimulationSpecError,
    );
    expect(() => signalOf({ base: 1, noiseSd: -1 }, 1)).toThrow(/noiseSd/);
  });

  it('refuses to go back in time, since its random walk only moves forward', () => {
    const signal = signalOf({ base: 1, noiseSd: 1 }, 1);
    signal.next(midnight + 1000);
    expect(() => signal.next(midnight)).toThrow(SignalTimeOrderError);
  });
});
