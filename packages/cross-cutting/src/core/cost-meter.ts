// Counts, while the local platform runs, what AWS would bill for the same traffic on this design —
// IoT messages in 5 KB units, rules and actions, Kinesis PUT units, Firehose bytes as billed — and
// prices it with the same table as the projection.
import { awsPrices } from './aws-prices.js';
import { firehoseBilledBytes, iotMessageUnits, kinesisPutUnits } from './metering.js';

export interface MeterReadings {
  readonly iotMessages: number;
  readonly iotMessageUnits: number;
  readonly rulesTriggered: number;
  readonly actionsExecuted: number;
  readonly kinesisRecords: number;
  readonly kinesisPutUnits: number;
  readonly firehoseRecords: number;
  readonly firehoseBilledBytes: number;
  /** What the counts above would cost on AWS (usage charges only; no shard-hours or storage). */
  readonly estimatedUsd: number;
}

const gib = 1024 ** 3;

export class CostMeter {
  private counts = {
    iotMessages: 0,
    iotMessageUnits: 0,
    rulesTriggered: 0,
    actionsExecuted: 0,
    kinesisRecords: 0,
    kinesisPutUnits: 0,
    firehoseRecords: 0,
    firehoseBilledBytes: 0,
  };

  /** A device's PUBLISH that IoT Core accepted. */
  mqttPublish(topic: string, payloadBytes: number): void {
    this.counts.iotMessages += 1;
    this.counts.iotMessageUnits += iotMessageUnits(Buffer.byteLength(topic), payloadBytes);
  }

  /** Rules that matched one message, each with one action. */
  rules(triggered: number, actionsEach = 1): void {
    this.counts.rulesTriggered += triggered;
    this.counts.actionsExecuted += triggered * actionsEach;
  }

  kinesisRecord(recordBytes: number): void {
    this.counts.kinesisRecords += 1;
    this.counts.kinesisPutUnits += kinesisPutUnits(recordBytes);
  }

  firehoseRecord(recordBytes: number): void {
    this.counts.firehoseRecords += 1;
    this.counts.firehoseBilledBytes += firehoseBilledBytes(recordBytes);
  }

  get readings(): MeterReadings {
    const c = this.counts;
    const perMillion = (count: number, price: number) => (count / 1e6) * price;
    const estimatedUsd =
      perMillion(c.iotMessageUnits, awsPrices.iotMessages.usd) +
      perMillion(c.rulesTriggered, awsPrices.iotRulesTriggered.usd) +
      perMillion(c.actionsExecuted, awsPrices.iotActionsExecuted.usd) +
      perMillion(c.kinesisPutUnits, awsPrices.kinesisPutPayloadUnits.usd) +
      (c.firehoseBilledBytes / gib) *
        (awsPrices.firehoseIngestionGb.usd + awsPrices.firehoseFormatConversionGb.usd);
    return { ...c, estimatedUsd };
  }
}
