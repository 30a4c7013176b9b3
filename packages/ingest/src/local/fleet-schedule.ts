// The fleet driver's clock: turns the fleet plan's publish slots that have come due into readings, labels
// their injected anomalies and hands them on as messages — one reading each, or a device's batch once full.
// A device given its own reporting interval (from its shadow) leaves the fleet's round-robin and publishes
// on its own clock; the others keep their slots, so their share of the rate holds. A device held back by
// its in-flight cap skips the reading that came due instead of queueing it: a slow broker shows as
// readings held back, not as memory growing in the simulator.
import {
  AnomalyLabeller,
  deviceSignalsOf,
  publishSlotOf,
  slotsBefore,
  telemetryBatchPayloadOf,
  telemetryPayloadOf,
  type AnomalyLabel,
  type DeviceReading,
  type FleetPlan,
  type TelemetryPublish,
} from '../core/index.js';

export interface FleetScheduleOptions {
  readonly plan: FleetPlan;
  /** Epoch ms of offset 0. */
  readonly startedAt: number;
  readonly batchSize: number;
  readonly send: (device: number, message: TelemetryPublish) => void;
  /** Whether a device cannot take another reading now (e.g. its in-flight cap is reached). */
  readonly isHeldBack?: (device: number) => boolean;
}

export interface FleetSchedule {
  /** Generates every reading due before `offsetMs` from the start; sends those that complete a message. */
  publishDue(offsetMs: number): void;
  /** From `offsetMs` on, `device` publishes every `intervalMs` on its own clock instead of in the fleet's slots. */
  setDeviceIntervalMs(device: number, intervalMs: number, offsetMs: number): void;
  /** Sends every partial batch. */
  flush(): void;
  readingsGenerated(): number;
  /** Readings waiting for their batch to fill. */
  readingsBuffered(): number;
  /** Readings that came due while their device was held back, and were skipped. */
  readingsHeldBack(): number;
  labels(): AnomalyLabel[];
}

/** Readings carry `startedAt` + their slot's offset as device time: the plan's schedule, not a tick's. */
export function fleetScheduleOf(options: FleetScheduleOptions): FleetSchedule {
  const { plan, startedAt, batchSize, send, isHeldBack } = options;
  const signals = plan.devices.map(deviceSignalsOf);
  const batches: DeviceReading[][] = plan.devices.map(() => []);
  /** Each device's last reading's offset: its next one must come later (readings need distinct ms). */
  const lastOffsetMs: number[] = plan.devices.map(() => Number.NEGATIVE_INFINITY);
  const ownClocks = new Map<number, { intervalMs: number; nextDueMs: number }>();
  const labeller = new AnomalyLabeller();
  let nextSlot = 0;
  let generated = 0;
  let heldBack = 0;

  const sendBatch = (device: number): void => {
    const readings = batches[device]!.splice(0);
    send(device, batchSize === 1 ? telemetryPayloadOf(readings[0]!) : telemetryBatchPayloadOf(readings));
  };
  const take = (device: number, offsetMs: number): void => {
    if (isHeldBack?.(device)) {
      heldBack++;
      return;
    }
    const reading = signals[device]!.next(startedAt + offsetMs);
    lastOffsetMs[device] = offsetMs;
    generated++;
    labeller.add(reading);
    const batch = batches[device]!;
    batch.push(reading);
    if (batch.length >= batchSize) sendBatch(device);
  };
  return {
    publishDue(offsetMs) {
      for (const due = slotsBefore(plan, offsetMs); nextSlot < due; nextSlot++) {
        const { device, offsetMs: slotOffsetMs } = publishSlotOf(plan, nextSlot);
        if (!ownClocks.has(device.index)) take(device.index, slotOffsetMs);
      }
      for (const [device, clock] of ownClocks) {
        for (; clock.nextDueMs < offsetMs; clock.nextDueMs += clock.intervalMs) {
          take(device, Math.floor(clock.nextDueMs));
        }
      }
    },
    setDeviceIntervalMs(device, intervalMs, offsetMs) {
      // One interval after its last reading, but not in the past: a shorter interval starts now.
      const nextDueMs = Math.max(offsetMs, lastOffsetMs[device]! + intervalMs);
      ownClocks.set(device, { intervalMs, nextDueMs });
    },
    flush() {
      batches.forEach((batch, device) => batch.length > 0 && sendBatch(device));
    },
    readingsGenerated: () => generated,
    readingsBuffered: () => batches.reduce((sum, batch) => sum + batch.length, 0),
    readingsHeldBack: () => heldBack,
    labels: () => labeller.labels(),
  };
}
