// The live meter against a hand count of what AWS would bill.
import { describe, expect, it } from 'vitest';
import { CostMeter } from '../src/core/index.js';

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
});
