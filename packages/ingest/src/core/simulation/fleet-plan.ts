// Who the simulated fleet is and when each device publishes: thing names, sites, a signal spec per metric
// that varies a little from device to device, and a schedule that spreads devices evenly over each
// interval so the fleet as a whole sends exactly `ratePerSecond` readings a second.
import { z } from 'zod';
import { MetricName } from '@tributary/contracts';
import { defaultSensorMetrics } from './default-metrics.js';
import { seedOf, uniformRandomOf, type UniformRandom } from './seeded-random.js';
import { parseSignalSpec, type SignalSpec, type SignalSpecInput } from './signal-spec.js';
import { SimulationSpecError } from './simulation-errors.js';

export interface FleetPlanOptions {
  readonly devices: number;
  /** Readings per second across the whole fleet (one reading per device per interval). */
  readonly ratePerSecond: number;
  /** Everything random in the run derives from it. */
  readonly seed: number;
  /** Metric templates each device varies. @default defaultSensorMetrics (temperature, humidity) */
  readonly metrics?: Readonly<Record<string, SignalSpecInput>>;
}

export interface DevicePlan {
  readonly index: number;
  readonly thingName: string;
  readonly site: string;
  /** The seed of this device's signals (`signalOf(metrics[m], seedOf(seed, m))` per metric). */
  readonly seed: number;
  readonly metrics: Readonly<Record<string, SignalSpec>>;
  /** When, from the start of the run, the device publishes its first reading. */
  readonly firstOffsetMs: number;
}

export interface FleetPlan {
  readonly devices: readonly DevicePlan[];
  readonly ratePerSecond: number;
  /** Time between two readings of one device: devices / ratePerSecond seconds. */
  readonly deviceIntervalMs: number;
}

/** One publish of the schedule: slot k is the k-th reading of the run, fleet-wide. */
export interface PublishSlot {
  readonly device: DevicePlan;
  /** Whole milliseconds from the start of the run. */
  readonly offsetMs: number;
}

export const simulatedSites = ['plant-north', 'plant-south'] as const;

const FleetPlanOptions = z
  .object({
    devices: z.number().int().min(1).max(1_000_000),
    ratePerSecond: z.number().positive().finite(),
    seed: z.number().int(),
    metrics: z.record(MetricName, z.unknown()).optional(),
  })
  // Each device's readings need distinct whole-millisecond timestamps (they make its message ids).
  .refine((o) => o.ratePerSecond / o.devices <= 1000, {
    message: 'at most 1000 readings a second per device: add devices or lower the rate',
    path: ['ratePerSecond'],
  });

export function fleetPlanOf(options: FleetPlanOptions): FleetPlan {
  const parsed = FleetPlanOptions.safeParse(options);
  if (!parsed.success) {
    throw new SimulationSpecError(
      'fleet plan options',
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const templates = Object.entries(options.metrics ?? defaultSensorMetrics).map(
    ([metric, spec]) => [metric, parseSignalSpec(spec, `signal spec of metric "${metric}"`)] as const,
  );
  if (templates.length === 0)
    throw new SimulationSpecError('fleet plan options', ['metrics: name at least one']);
  const { devices: count, ratePerSecond, seed } = options;
  const nameWidth = Math.max(3, String(count).length);
  const devices = Array.from({ length: count }, (_, index): DevicePlan => {
    const thingName = `sim-sensor-${String(index + 1).padStart(nameWidth, '0')}`;
    const deviceSeed = seedOf(seed, thingName);
    const variety = uniformRandomOf(seedOf(deviceSeed, 'variety'));
    return {
      index,
      thingName,
      site: simulatedSites[index % simulatedSites.length]!,
      seed: deviceSeed,
      metrics: Object.fromEntries(templates.map(([metric, spec]) => [metric, variedSpecOf(spec, variety)])),
      firstOffsetMs: Math.floor((index * 1000) / ratePerSecond),
    };
  });
  return { devices, ratePerSecond, deviceIntervalMs: (count * 1000) / ratePerSecond };
}

/** Slot k goes to device k mod N, at k / ratePerSecond seconds: evenly spread, round-robin. */
export function publishSlotOf(plan: FleetPlan, slot: number): PublishSlot {
  return {
    device: plan.devices[slot % plan.devices.length]!,
    offsetMs: Math.floor((slot * 1000) / plan.ratePerSecond),
  };
}

/**
 * How many slots fall before `offsetMs` (whole ms from the run's start). The slots due in a tick
 * [from, to) are [slotsBefore(from), slotsBefore(to)), so consecutive ticks neither skip nor repeat one.
 */
export function slotsBefore(plan: FleetPlan, offsetMs: number): number {
  return Math.max(0, Math.ceil((offsetMs * plan.ratePerSecond) / 1000));
}

/** Per-device variety: level ±5 %, amplitude and noise ×0.8–1.2, peak hour ±1.5 h; anomaly rates kept. */
function variedSpecOf(template: SignalSpec, random: UniformRandom): SignalSpec {
  const between = (low: number, high: number): number => low + (high - low) * random();
  return {
    ...template,
    base: template.base + Math.abs(template.base) * between(-0.05, 0.05),
    noiseSd: template.noiseSd * between(0.8, 1.2),
    ...(template.seasonality && {
      seasonality: {
        amplitude: template.seasonality.amplitude * between(0.8, 1.2),
        peakHourUtc: (template.seasonality.peakHourUtc + between(22.5, 25.5)) % 24,
      },
    }),
  };
}
