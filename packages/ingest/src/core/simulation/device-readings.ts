// A planned device's metrics read together: one reading holds every metric's point at the same time.
import type { DevicePlan } from './fleet-plan.js';
import { seedOf } from './seeded-random.js';
import { signalOf, type Signal, type SignalPoint } from './signal.js';

export interface DeviceReading {
  readonly thingName: string;
  readonly ts: number;
  readonly points: Readonly<Record<string, SignalPoint>>;
}

export interface DeviceSignals {
  /** The device's reading at `ts`; times must not decrease from one call to the next. */
  next(ts: number): DeviceReading;
}

export function deviceSignalsOf(device: DevicePlan): DeviceSignals {
  const signals: Array<readonly [string, Signal]> = Object.entries(device.metrics).map(([metric, spec]) => [
    metric,
    signalOf(spec, seedOf(device.seed, metric)),
  ]);
  return {
    next(ts) {
      const points: Record<string, SignalPoint> = {};
      for (const [metric, signal] of signals) points[metric] = signal.next(ts);
      return { thingName: device.thingName, ts, points };
    },
  };
}
