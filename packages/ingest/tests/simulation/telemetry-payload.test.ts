import { TelemetryBatch, TelemetryMessage, TelemetryReading, topics } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import {
  TelemetryBatchError,
  deviceSignalsOf,
  fleetPlanOf,
  maxReadingsPerBatch,
  telemetryBatchPayloadOf,
  telemetryPayloadOf,
  type DeviceReading,
} from '../../src/core/simulation/index.js';
import { midnight } from './series.js';

const plan = fleetPlanOf({ devices: 2, ratePerSecond: 2, seed: 3 });
const readingsOf = (device: number, count: number): DeviceReading[] => {
  const signals = deviceSignalsOf(plan.devices[device]!);
  return Array.from({ length: count }, (_, i) => signals.next(midnight + i * plan.deviceIntervalMs));
};

describe('telemetry payloads of simulated readings', () => {
  it('publishes one reading per message on the device’s telemetry topic, valid for the contract', () => {
    const [reading] = readingsOf(0, 1);
    const publish = telemetryPayloadOf(reading!);
    expect(publish.topic).toBe(topics.telemetry('sim-sensor-001'));
    expect(publish.readings).toBe(1);
    const message = TelemetryReading.parse(JSON.parse(publish.payload));
    expect(message).toEqual({
      messageId: `sim-sensor-001-${midnight}`,
      ts: midnight,
      metrics: {
        temperature: reading!.points['temperature']!.value,
        humidity: reading!.points['humidity']!.value,
      },
    });
  });

  it('batches up to the contract’s limit of one device’s readings in one message', () => {
    const readings = readingsOf(1, maxReadingsPerBatch);
    const publish = telemetryBatchPayloadOf(readings);
    expect(publish.topic).toBe(topics.telemetry('sim-sensor-002'));
    expect(publish.readings).toBe(maxReadingsPerBatch);
    const batch = TelemetryBatch.parse(JSON.parse(publish.payload));
    expect(batch.readings.map((r) => r.ts)).toEqual(readings.map((r) => r.ts));
    expect(new Set(batch.readings.map((r) => r.messageId)).size).toBe(maxReadingsPerBatch);
    expect(TelemetryMessage.safeParse(JSON.parse(publish.payload)).success).toBe(true);
    // The limit is the contract's: one more reading and the contract itself refuses the batch.
    const oneMore = { readings: [...batch.readings, batch.readings[0]] };
    expect(TelemetryBatch.safeParse(oneMore).success).toBe(false);
  });

  it('refuses a batch the platform would reject or could not route', () => {
    expect(() => telemetryBatchPayloadOf([])).toThrow(TelemetryBatchError);
    expect(() => telemetryBatchPayloadOf(readingsOf(0, maxReadingsPerBatch + 1))).toThrow(/split them/);
    expect(() => telemetryBatchPayloadOf([...readingsOf(0, 2), ...readingsOf(1, 2)])).toThrow(
      /mixes "sim-sensor-001" and "sim-sensor-002"/,
    );
  });
});
