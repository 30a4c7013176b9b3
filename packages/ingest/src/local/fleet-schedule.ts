// The fleet driver's clock: turns the fleet plan's publish slots that have come due into readings, labels
// their injected anomalies and hands them on as messages — one reading each, or a device's batch once full.
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

export interface FleetSchedule {
  /** Generates every reading due before `offsetMs` from the start; sends those that complete a message. */
  publishDue(offsetMs: number): void;
  /** Sends every partial batch. */
  flush(): void;
  readingsGenerated(): number;
  /** Readings waiting for their batch to fill. */
  readingsBuffered(): number;
  labels(): AnomalyLabel[];
}

/** Readings carry `startedAt` + their slot's offset as device time: the plan's schedule, not a tick's. */
export function fleetScheduleOf(
  plan: FleetPlan,
  startedAt: number,
  batchSize: number,
  send: (device: number, message: TelemetryPublish) => void,
): FleetSchedule {
  const signals = plan.devices.map(deviceSignalsOf);
  const batches: DeviceReading[][] = plan.devices.map(() => []);
  const labeller = new AnomalyLabeller();
  let nextSlot = 0;

  const sendBatch = (device: number): void => {
    const readings = batches[device]!.splice(0);
    send(device, batchSize === 1 ? telemetryPayloadOf(readings[0]!) : telemetryBatchPayloadOf(readings));
  };
  return {
    publishDue(offsetMs) {
      for (const due = slotsBefore(plan, offsetMs); nextSlot < due; nextSlot++) {
        const { device, offsetMs: slotOffsetMs } = publishSlotOf(plan, nextSlot);
        const reading = signals[device.index]!.next(startedAt + slotOffsetMs);
        labeller.add(reading);
        const batch = batches[device.index]!;
        batch.push(reading);
        if (batch.length >= batchSize) sendBatch(device.index);
      }
    },
    flush() {
      batches.forEach((batch, device) => batch.length > 0 && sendBatch(device));
    },
    readingsGenerated: () => nextSlot,
    readingsBuffered: () => batches.reduce((sum, batch) => sum + batch.length, 0),
    labels: () => labeller.labels(),
  };
}
