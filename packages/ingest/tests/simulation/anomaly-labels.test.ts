import { describe, expect, it } from 'vitest';
import {
  AnomalyLabeller,
  anomalyLabelsOf,
  deviceSignalsOf,
  fleetPlanOf,
  nabCombinedWindowsOf,
  nabTimestampOf,
  type DeviceReading,
} from '../../src/core/simulation/index.js';
import { midnight, minuteMs } from './series.js';

const metrics = {
  level: {
    base: 0,
    noiseSd: 1,
    anomalies: {
      spikes: { perHour: 1, magnitudeSd: 8 },
      steps: { perHour: 0.3, magnitudeSd: 10, labelledForMs: 10 * minuteMs },
      drifts: { perHour: 0.3, magnitudeSd: 10, durationMs: 20 * minuteMs },
    },
  },
  flow: { base: 5, noiseSd: 1, anomalies: { spikes: { perHour: 2, magnitudeSd: 6 } } },
};
const plan = fleetPlanOf({ devices: 3, ratePerSecond: 3 / 60, seed: 5, metrics }); // one reading a minute each

function runOf(hours: number): DeviceReading[] {
  const signals = plan.devices.map(deviceSignalsOf);
  const readings: DeviceReading[] = [];
  for (let minute = 0; minute < hours * 60; minute++) {
    signals.forEach((signal) => readings.push(signal.next(midnight + minute * minuteMs)));
  }
  return readings;
}

describe('anomalyLabelsOf', () => {
  const readings = runOf(48);
  const labels = anomalyLabelsOf(readings);

  it('gives one window per injected anomaly, covering exactly its labelled points', () => {
    expect(new Set(labels.map((l) => l.kind))).toEqual(new Set(['spike', 'step', 'drift']));
    for (const device of plan.devices) {
      for (const metric of Object.keys(metrics)) {
        const points = readings.filter((r) => r.thingName === device.thingName).map((r) => r.points[metric]!);
        const labelled = points.filter((p) => p.anomaly !== null).map((p) => p.ts);
        const windows = labels.filter((l) => l.thingName === device.thingName && l.metric === metric);
        const covered = points
          .filter((p) => windows.some((w) => p.ts >= w.start && p.ts <= w.end))
          .map((p) => p.ts);
        expect(covered).toEqual(labelled);
        windows.forEach((w) => {
          expect(points.find((p) => p.ts === w.start)?.anomaly).toEqual({ kind: w.kind, startedAt: w.start });
          if (w.kind === 'spike') expect(w.end).toBe(w.start);
          // A window's last point is its duration after its first, unless the run ended first.
          const lastPoint = Math.min(w.start + (w.kind === 'step' ? 9 : 19) * minuteMs, points.at(-1)!.ts);
          if (w.kind !== 'spike') expect(w.end).toBe(lastPoint);
        });
      }
    }
  });

  it('labels the same windows reading by reading as all at once, ending open windows at their last point', () => {
    const labeller = new AnomalyLabeller();
    const firstStep = readings.findIndex((r) => r.points['level']!.anomaly?.kind === 'step');
    const cut = firstStep + 3 * plan.devices.length; // two more readings of the stepping device
    readings.slice(0, cut).forEach((r) => labeller.add(r));
    expect(labeller.labels()).toContainEqual({
      thingName: readings[firstStep]!.thingName,
      metric: 'level',
      kind: 'step',
      start: readings[firstStep]!.ts,
      end: readings[firstStep]!.ts + 2 * minuteMs,
    });
    readings.slice(cut).forEach((r) => labeller.add(r));
    expect(labeller.labels()).toEqual(labels);
  });

  it('writes windows as NAB combined_windows.json: per series, time-ordered, edges at point timestamps', () => {
    const windows = nabCombinedWindowsOf(labels);
    const series = `${plan.devices[0]!.thingName}/level.csv`;
    expect(Object.keys(windows)).toContain(series);
    const pointTimes = new Set(readings.map((r) => nabTimestampOf(r.ts)));
    for (const pairs of Object.values(windows)) {
      pairs.forEach(([start, end], i) => {
        expect(start).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
        expect(pointTimes.has(start) && pointTimes.has(end)).toBe(true);
        expect(start <= end).toBe(true);
        if (i > 0) expect(start > pairs[i - 1]![1]).toBe(true);
      });
    }
    expect(nabTimestampOf(Date.UTC(2014, 3, 10, 7, 15, 0, 123))).toBe('2014-04-10 07:15:00.123000');
  });
});
