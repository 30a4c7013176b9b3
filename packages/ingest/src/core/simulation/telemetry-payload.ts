// Simulated readings as the MQTT messages a device publishes: one reading per message, or a batch of a
// device's readings in one message (fewer messages billed). Both follow the contracts' TelemetryMessage.
import { topics, type TelemetryBatch, type TelemetryReading } from '@tributary/contracts';
import type { DeviceReading } from './device-readings.js';
import { TelemetryBatchError } from './simulation-errors.js';

export interface TelemetryPublish {
  readonly topic: string;
  /** JSON, as published. */
  readonly payload: string;
  /** How many readings the payload carries. */
  readonly readings: number;
}

/** The largest batch the TelemetryBatch contract accepts (a test holds the two together). */
export const maxReadingsPerBatch = 500;

/**
 * The reading's message id is thing name + device time: unique per device (a fleet plan keeps a device's
 * readings ≥ 1 ms apart) and stable across a restart of the simulator, so a redelivery deduplicates.
 */
export function telemetryReadingOf(reading: DeviceReading): TelemetryReading {
  const metrics: Record<string, number> = {};
  for (const [metric, point] of Object.entries(reading.points)) metrics[metric] = point.value;
  return { messageId: `${reading.thingName}-${reading.ts}`, ts: reading.ts, metrics };
}

export function telemetryPayloadOf(reading: DeviceReading): TelemetryPublish {
  return {
    topic: topics.telemetry(reading.thingName),
    payload: JSON.stringify(telemetryReadingOf(reading)),
    readings: 1,
  };
}

/** One message carrying several readings of one device, on that device's telemetry topic. */
export function telemetryBatchPayloadOf(readings: readonly DeviceReading[]): TelemetryPublish {
  const first = readings[0];
  if (!first) throw new TelemetryBatchError('it holds no readings: send at least one');
  if (readings.length > maxReadingsPerBatch) {
    throw new TelemetryBatchError(
      `${readings.length} readings exceed the contract's ${maxReadingsPerBatch}: split them into several batches`,
    );
  }
  const other = readings.find((reading) => reading.thingName !== first.thingName);
  if (other) {
    throw new TelemetryBatchError(
      `it mixes "${first.thingName}" and "${other.thingName}": a message is published on one device's topic, ` +
        `so batch each device's readings separately`,
    );
  }
  const batch: TelemetryBatch = { readings: readings.map(telemetryReadingOf) };
  return {
    topic: topics.telemetry(first.thingName),
    payload: JSON.stringify(batch),
    readings: readings.length,
  };
}
