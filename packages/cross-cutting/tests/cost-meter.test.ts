// The live meter against a hand count of what AWS would bill.
import { describe, expect, it } from 'vitest';
import { billableJsonBytes, CostMeter, firehoseBilledBytes, kinesisPutUnits } from '../src/core/index.js';

describe('CostMeter', () => {
  it('counts billed units as AWS meters them', () => {
    const meter = new CostMeter();
    const topic = 'dt/tributary/pump-7/telemetry'; // 29 bytes
    meter.mqttPublish(topic, 100); // 1 unit
    meter.mqttPublish(topic, 5 * 1024 - 29); // exactly 5 KB with the topic: 1 unit
    meter.mqttPublish(topic, 5 * 1024); // 2 units
    meter.rules(1);
    meter.rules(1);
    meter.rules(0); // a publish no rule matched
    meter.kinesisRecord(300); // 1 PUT unit
    meter.kinesisRecord(25 * 1024 + 1); // 2 PUT units
    meter.firehoseRecord(300); // billed as 5 KB
    meter.firehoseRecord(6 * 1024); // billed as 10 KB

    const readings = meter.readings;
    expect(readings).toMatchObject({
      iotMessages: 3,
      iotMessageUnits: 4,
      rulesTriggered: 2,
      actionsExecuted: 2,
      kinesisRecords: 2,
      kinesisPutUnits: 3,
      firehoseRecords: 2,
      firehoseBilledBytes: 15 * 1024,
    });
    const gib = 1024 ** 3;
    const expectedUsd =
      (4 / 1e6) * 1.0 +
      (2 / 1e6) * 0.15 +
      (2 / 1e6) * 0.15 +
      (3 / 1e6) * 0.014 +
      ((15 * 1024) / gib) * (0.029 + 0.018);
    expect(readings.estimatedUsd).toBeCloseTo(expectedUsd, 12);
  });

  it('bills a record by its JSON size without serialising the small ones: the same units as the exact size', () => {
    const exact = (record: object) => Buffer.byteLength(JSON.stringify(record));
    const reading = {
      thing_name: 'pump-7',
      message_id: 'm-1',
      received_at: 1_764_000_000_000,
      value: -2.2250738585072014e-308,
      site: 'Zürich "north"\n',
      anomaly_score: null,
      attributes: { line: 3 },
    };
    const quarantined = { reason: 'INVALID_JSON', payload_base64: 'x'.repeat(12 * 1024) };
    for (const record of [reading, quarantined, {}]) {
      const billable = billableJsonBytes(record);
      expect(billable).toBeGreaterThanOrEqual(exact(record));
      expect(firehoseBilledBytes(billable + 1)).toBe(firehoseBilledBytes(exact(record) + 1));
      expect(kinesisPutUnits(billable)).toBe(kinesisPutUnits(exact(record)));
    }
    expect(billableJsonBytes(quarantined)).toBe(exact(quarantined));
  });
});
