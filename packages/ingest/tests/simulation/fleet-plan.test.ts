import { ThingName } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import {
  SimulationSpecError,
  defaultSensorMetrics,
  fleetPlanOf,
  publishSlotOf,
  slotsBefore,
  type FleetPlan,
} from '../../src/core/simulation/index.js';

/** The slots a driver ticking every `tickMs` would publish in [0, durationMs). */
function publishedBetween(plan: FleetPlan, durationMs: number, tickMs: number) {
  const published = [];
  for (let from = 0; from < durationMs; from += tickMs) {
    const to = Math.min(from + tickMs, durationMs);
    for (let slot = slotsBefore(plan, from); slot < slotsBefore(plan, to); slot++) {
      published.push({ slot, ...publishSlotOf(plan, slot) });
    }
  }
  return published;
}

describe('fleetPlanOf', () => {
  it('names every device as a valid, unique thing on one of the simulated sites', () => {
    const plan = fleetPlanOf({ devices: 2500, ratePerSecond: 500, seed: 1 });
    const names = plan.devices.map((d) => d.thingName);
    expect(new Set(names).size).toBe(2500);
    expect(names[0]).toBe('sim-sensor-0001');
    expect(names.every((name) => ThingName.safeParse(name).success)).toBe(true);
    expect(new Set(plan.devices.map((d) => d.site))).toEqual(new Set(['plant-north', 'plant-south']));
  });

  it('sends ratePerSecond readings a second across the fleet, whatever the tick', () => {
    const plan = fleetPlanOf({ devices: 7, ratePerSecond: 13, seed: 1 });
    for (const tickMs of [1, 37, 250, 1000]) {
      const published = publishedBetween(plan, 60_000, tickMs);
      expect(published).toHaveLength(13 * 60);
      expect(published.map((p) => p.slot)).toEqual([...published.keys()]); // none skipped, none repeated
    }
  });

  it('spreads devices evenly over each interval, each publishing once per devices / rate seconds', () => {
    const plan = fleetPlanOf({ devices: 100, ratePerSecond: 50, seed: 1 });
    expect(plan.deviceIntervalMs).toBe(2000);
    const published = publishedBetween(plan, 10_000, 100);
    const gaps = published.slice(1).map((p, i) => p.offsetMs - published[i]!.offsetMs);
    expect(new Set(gaps)).toEqual(new Set([20])); // 1000 / 50 ms between two publishes of the fleet
    const ofDevice7 = published.filter((p) => p.device.index === 7).map((p) => p.offsetMs);
    expect(ofDevice7).toEqual([140, 2140, 4140, 6140, 8140]);
    expect(plan.devices[7]!.firstOffsetMs).toBe(140);
  });

  it('varies each device’s signals a little around the metric templates, the same way for the same seed', () => {
    const plan = fleetPlanOf({ devices: 50, ratePerSecond: 10, seed: 9 });
    const bases = plan.devices.map((d) => d.metrics['temperature']!.base);
    expect(new Set(bases).size).toBe(50);
    expect(Math.min(...bases)).toBeGreaterThanOrEqual(21 * 0.95);
    expect(Math.max(...bases)).toBeLessThanOrEqual(21 * 1.05);
    const peaks = plan.devices.map((d) => d.metrics['humidity']!.seasonality!.peakHourUtc);
    peaks.forEach((peak) => expect(Math.abs(peak - 3)).toBeLessThanOrEqual(1.5));
    expect(Object.keys(plan.devices[0]!.metrics)).toEqual(Object.keys(defaultSensorMetrics));
    expect(fleetPlanOf({ devices: 50, ratePerSecond: 10, seed: 9 })).toEqual(plan);
    expect(fleetPlanOf({ devices: 50, ratePerSecond: 10, seed: 10 }).devices[0]!.metrics).not.toEqual(
      plan.devices[0]!.metrics,
    );
  });

  it('uses the caller’s metrics instead of the defaults', () => {
    const plan = fleetPlanOf({
      devices: 2,
      ratePerSecond: 1,
      seed: 1,
      metrics: { pressure: { base: 1013, noiseSd: 1 } },
    });
    expect(Object.keys(plan.devices[1]!.metrics)).toEqual(['pressure']);
  });

  it.each([
    [{ devices: 0, ratePerSecond: 1, seed: 1 }, /devices/],
    [{ devices: 1.5, ratePerSecond: 1, seed: 1 }, /devices/],
    [{ devices: 10, ratePerSecond: 0, seed: 1 }, /ratePerSecond/],
    [{ devices: 1, ratePerSecond: 2000, seed: 1 }, /at most 1000 readings a second per device/],
    [{ devices: 1, ratePerSecond: 1, seed: 1, metrics: { 'bad name': { base: 1 } } }, /metrics/],
    [
      { devices: 1, ratePerSecond: 1, seed: 1, metrics: { t: { base: 1, noiseSd: -1 } } },
      /metric "t".*noiseSd/,
    ],
    [{ devices: 1, ratePerSecond: 1, seed: 1, metrics: {} }, /at least one/],
  ])('rejects %j with a message naming the field', (options, message) => {
    expect(() => fleetPlanOf(options)).toThrow(SimulationSpecError);
    expect(() => fleetPlanOf(options)).toThrow(message);
  });
});
