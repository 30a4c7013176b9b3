// The contract every streaming detector keeps: a score in [0, 1] for every point, strictly online,
// state that survives JSON, and non-finite readings that neither score nor disturb the model.
import { describe, expect, it } from 'vitest';
import { defaultDetector, ewmaZScoreDetector, type StreamingDetector } from '../src/core/index.js';
import { deviationThenLearn, emptyEwmStats } from '../src/core/detectors/ewm-deviation.js';
import {
  emptyPointRuleState,
  platformPointRule,
  pointRuleScoreThenLearn,
} from '../src/core/detectors/point-rule.js';

const fiveMinutes = 300_000;
const start = Date.UTC(2024, 0, 1);

/** A deterministic noisy daily cycle (5-minute points) with a spike at `spikeAt`. */
function dailySeries(points: number, spikeAt = -1): { values: number[]; timestamps: number[] } {
  let seed = 42;
  const noise = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31 - 0.5) * 2;
  const values: number[] = [];
  const timestamps: number[] = [];
  for (let i = 0; i < points; i += 1) {
    const daily = 20 + 5 * Math.sin((2 * Math.PI * i) / 288);
    values.push(i === spikeAt ? daily + 40 : daily + noise());
    timestamps.push(start + i * fiveMinutes);
  }
  return { values, timestamps };
}

function scoresOf(detector: StreamingDetector<unknown>, values: number[], timestamps: number[]) {
  const state = detector.initialState();
  return values.map((value, i) => detector.score(state, value, timestamps[i]!));
}

const detectors: StreamingDetector<unknown>[] = [defaultDetector, ewmaZScoreDetector];

describe.each(detectors.map((detector) => [detector.name, detector] as const))('%s', (_, detector) => {
  it('scores every point in [0, 1], whatever the values', () => {
    const { values, timestamps } = dailySeries(2000, 1500);
    const extremes = [0, 0, 0, 1e300, -1e300, 5e-324, 0, 1e12, ...Array(200).fill(7)];
    for (const scores of [
      scoresOf(detector, values, timestamps),
      scoresOf(
        detector,
        extremes,
        extremes.map((_, i) => start + i * 1000),
      ),
      scoresOf(
        detector,
        Array(500).fill(3.5),
        Array.from({ length: 500 }, (_, i) => start + i),
      ),
    ]) {
      for (const score of scores) {
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
      }
    }
  });

  it('is strictly online: appending points never changes the scores of a prefix', () => {
    const { values, timestamps } = dailySeries(1500, 1200);
    const whole = scoresOf(detector, values, timestamps);
    for (const cut of [1, 151, 700, 1201]) {
      expect(scoresOf(detector, values.slice(0, cut), timestamps.slice(0, cut))).toEqual(whole.slice(0, cut));
    }
  });

  it('continues identically from state serialised to JSON mid-stream', () => {
    const { values, timestamps } = dailySeries(1200, 1000);
    const whole = scoresOf(detector, values, timestamps);
    const state = detector.initialState();
    values.slice(0, 600).forEach((value, i) => detector.score(state, value, timestamps[i]!));
    const restored = JSON.parse(JSON.stringify(state)) as unknown;
    expect(restored).toEqual(state);
    const continued = values
      .slice(600)
      .map((value, i) => detector.score(restored, value, timestamps[600 + i]!));
    expect(continued).toEqual(whole.slice(600));
  });

  it('scores a non-finite reading 0 and leaves the state as it was', () => {
    const { values, timestamps } = dailySeries(400);
    const state = detector.initialState();
    values.forEach((value, i) => detector.score(state, value, timestamps[i]!));
    const before = JSON.stringify(state);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(detector.score(state, bad, start)).toBe(0);
    }
    expect(JSON.stringify(state)).toBe(before);
  });

  it('scores a spike in a steady daily cycle far above the points around it', () => {
    const { values, timestamps } = dailySeries(2000, 1500);
    const scores = scoresOf(detector, values, timestamps);
    const around = [...scores.slice(1300, 1500), ...scores.slice(1600, 1800)];
    expect(scores[1500]).toBeGreaterThan(0.5);
    expect(Math.max(...around)).toBeLessThan(scores[1500]!);
  });
});

describe('the default detector', () => {
  it('keeps a compact state: under 10 kB of JSON per series', () => {
    const { values, timestamps } = dailySeries(3000, 2000);
    const state = defaultDetector.initialState();
    values.forEach((value, i) => defaultDetector.score(state, value, timestamps[i]!));
    expect(JSON.stringify(state).length).toBeLessThan(10_000);
  });

  it('flags one event once: the points right after a detection score 0', () => {
    const { values, timestamps } = dailySeries(2000, 1500);
    const scores = scoresOf(defaultDetector, values, timestamps);
    expect(scores[1500]).toBe(1);
    expect(scores.slice(1501, 1560).every((score) => score === 0)).toBe(true);
  });

  it('judges the range seen only once it spans a day: the daily cycle of a first day sets new highs unflagged', () => {
    const tenSeconds = 10_000;
    let seed = 7;
    const noise = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.4;
    const timestamps = Array.from({ length: 9_000 }, (_, i) => start + i * tenSeconds);
    // 25 h of a sensor every 10 s: a daily cycle of ±3 with noise, then one reading 6 above its peak.
    const values = timestamps.map(
      (ts) => 21 + 3 * Math.sin((2 * Math.PI * (ts - start)) / 86_400_000) + noise(),
    );
    values.push(30);
    timestamps.push(start + 9_000 * tenSeconds);
    const scores = scoresOf(defaultDetector, values, timestamps);
    expect(Math.max(...scores.slice(0, 8_640))).toBeLessThan(1);
    expect(scores.at(-1)).toBe(1);
  });
});

describe('the spike and level-shift statistics (winsorised learning)', () => {
  /** Stats that have learned a steady series of ±1 around 10, so their spread is about 1. */
  function steadyStats() {
    const stats = emptyEwmStats();
    for (let i = 0; i < 500; i += 1) deviationThenLearn(stats, 10 + (i % 2 === 0 ? 1 : -1), 0.05, 3);
    return stats;
  }

  it('keeps judging ordinary values by the usual spread after an outlier', () => {
    const clipped = steadyStats();
    const unclipped = steadyStats();
    const usual = deviationThenLearn(steadyStats(), 11, 0.05, 3);
    deviationThenLearn(clipped, 1_000, 0.05, 3);
    deviationThenLearn(unclipped, 1_000, 0.05);
    expect(deviationThenLearn(clipped, 11, 0.05, 3)).toBeGreaterThan(0.5 * usual);
    expect(deviationThenLearn(unclipped, 11, 0.05)).toBeLessThan(0.3 * usual);
  });

  it('still learns a lasting change of level', () => {
    const stats = steadyStats();
    expect(deviationThenLearn(stats, 60, 0.05, 3)).toBeGreaterThan(40);
    let sigmas = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 200; i += 1) sigmas = deviationThenLearn(stats, 60 + (i % 2 === 0 ? 1 : -1), 0.05, 3);
    expect(sigmas).toBeLessThan(2);
  });
});

describe('the platform point rule', () => {
  /** A rule state that has learned ±1 noise around 20 (spread about 1). */
  function steadyRule() {
    const state = emptyPointRuleState();
    for (let i = 0; i < 300; i += 1)
      pointRuleScoreThenLearn(state, 20 + (i % 2 === 0 ? 1 : -1), platformPointRule);
    return state;
  }

  it('scores ordinary readings 0 and a reading 8 standard deviations out above the raise score', () => {
    const state = steadyRule();
    expect(pointRuleScoreThenLearn(state, 23, platformPointRule)).toBe(0);
    expect(pointRuleScoreThenLearn(state, 28, platformPointRule)).toBeGreaterThan(
      platformPointRule.raiseScore,
    );
  });

  it('catches the next spike too: a spike is learned clipped', () => {
    const state = steadyRule();
    pointRuleScoreThenLearn(state, 60, platformPointRule);
    for (let i = 0; i < 30; i += 1)
      pointRuleScoreThenLearn(state, 20 + (i % 2 === 0 ? 1 : -1), platformPointRule);
    expect(pointRuleScoreThenLearn(state, 28, platformPointRule)).toBeGreaterThan(
      platformPointRule.raiseScore,
    );
  });

  it('lets a quantised sensor that sat still move by a step or two, not by ten', () => {
    const state = emptyPointRuleState();
    const still = () => {
      for (let i = 0; i < 2_000; i += 1) pointRuleScoreThenLearn(state, 21, platformPointRule);
    };
    pointRuleScoreThenLearn(state, 21.1, platformPointRule);
    still();
    expect(pointRuleScoreThenLearn(state, 21.1, platformPointRule)).toBe(0);
    still();
    expect(pointRuleScoreThenLearn(state, 21.2, platformPointRule)).toBe(0);
    still();
    expect(pointRuleScoreThenLearn(state, 22, platformPointRule)).toBeGreaterThan(
      platformPointRule.raiseScore,
    );
  });
});
