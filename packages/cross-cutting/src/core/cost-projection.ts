// What a fleet costs per month on AWS with this platform's design, from the prices table and AWS's
// metering rules (../shared/reference/aws-quotas-and-prices.md): IoT messages in 5 KB units, Kinesis
// PUT payload units of 25 KB, Firehose ingestion rounded up to 5 KB per record. Pure arithmetic.
import { awsPrices, type PriceName } from './aws-prices.js';
import { firehoseBilledBytes, iotMessageUnits, kinesisPutUnits } from './metering.js';

export interface FleetScenario {
  readonly devices: number;
  /** Seconds between two readings of one device. */
  readonly intervalSeconds: number;
  /** Bytes of one reading's JSON. */
  readonly payloadBytes: number;
  /** Readings a device sends in one MQTT message. @default 1 */
  readonly readingsPerMessage?: number;
  /** Metrics in a reading: the lake holds one row per metric. @default 1 */
  readonly metricsPerReading?: number;
  /** `basic-ingest` publishes to `$aws/rules/<rule>/…`, which IoT Core does not bill as messaging. */
  readonly ingest?: 'topic' | 'basic-ingest';
}

export interface CostLine {
  readonly component: string;
  readonly quantity: string;
  readonly monthlyUsd: number;
}

export interface CostProjection {
  readonly scenario: Required<FleetScenario>;
  readonly lines: CostLine[];
  readonly totalUsd: number;
}

const secondsPerMonth = 30 * 24 * 3600;
const hoursPerMonth = 30 * 24;
const kib = 1024;
const gib = 1024 ** 3;
/** `dt/tributary/<thing>/telemetry` with a typical thing name; IoT meters payload + topic. */
const topicBytes = 40;
/** What the telemetry rule adds around the base64 payload (topic, client id, times, correlation id). */
const envelopeOverheadBytes = 180;
/** A lake row as JSON on the lake stream, and as Parquet in S3 (columnar, compressed). */
const rowJsonBytes = 320;
const rowParquetBytes = 40;
/** Firehose flushes each active partition at least once per buffer interval (60 s). */
const deliveredObjectsPerMonth = secondsPerMonth / 60;
/** Enrichment Lambda: one invocation per shard-second (1 s batching window), 100 ms at 512 MB. */
const lambdaSecondsPerInvocation = 0.1;
const lambdaMemoryGb = 0.5;

const cost = (price: PriceName, units: number, unitsPerPrice: number) =>
  (units / unitsPerPrice) * awsPrices[price].usd;
const millions = (n: number) => `${(n / 1e6).toLocaleString('en', { maximumFractionDigits: 1 })}M`;

export function projectMonthlyCost(input: FleetScenario): CostProjection {
  const scenario: Required<FleetScenario> = {
    readingsPerMessage: 1,
    metricsPerReading: 1,
    ingest: 'topic',
    ...input,
  };
  const { devices, intervalSeconds, payloadBytes, readingsPerMessage, metricsPerReading, ingest } = scenario;
  const readings = (devices * secondsPerMonth) / intervalSeconds;
  const messages = readings / readingsPerMessage;
  const messageBytes = payloadBytes * readingsPerMessage;
  const iotUnitsPerMessage = iotMessageUnits(topicBytes, messageBytes);
  const rows = readings * metricsPerReading;

  const recordBytes = Math.ceil((messageBytes * 4) / 3) + envelopeOverheadBytes;
  const recordsPerSecond = messages / secondsPerMonth;
  const shards = Math.max(
    1,
    Math.ceil(recordsPerSecond / 1000),
    Math.ceil((recordsPerSecond * recordBytes) / (1024 * kib)),
  );
  const lakeShards = Math.max(1, Math.ceil(rows / secondsPerMonth / 1000));
  const telemetryPutUnits = messages * kinesisPutUnits(recordBytes);
  const lakePutUnits = rows * kinesisPutUnits(rowJsonBytes);
  const invocations = shards * secondsPerMonth;
  const firehoseBilledGb = (rows * firehoseBilledBytes(rowJsonBytes)) / gib;
  const firehoseActualGb = (rows * rowJsonBytes) / gib;
  const parquetGb = (rows * rowParquetBytes) / gib;

  const lines: CostLine[] = [
    {
      component: 'IoT Core connectivity',
      quantity: `${millions((devices * secondsPerMonth) / 60)} connection-minutes`,
      monthlyUsd: cost('iotConnectionMinutes', (devices * secondsPerMonth) / 60, 1e6),
    },
    {
      component: ingest === 'topic' ? 'IoT Core messaging' : 'IoT Core messaging (Basic Ingest: not billed)',
      quantity: `${millions(messages)} messages × ${iotUnitsPerMessage} unit(s) of 5 KB`,
      monthlyUsd: ingest === 'topic' ? cost('iotMessages', messages * iotUnitsPerMessage, 1e6) : 0,
    },
    {
      component: 'IoT Core rules (1 rule, 1 action)',
      quantity: `${millions(messages)} triggered + ${millions(messages)} actions`,
      monthlyUsd: cost('iotRulesTriggered', messages, 1e6) + cost('iotActionsExecuted', messages, 1e6),
    },
    {
      component: 'Kinesis telemetry stream (provisioned)',
      quantity: `${shards} shard(s), ${millions(telemetryPutUnits)} PUT units`,
      monthlyUsd:
        cost('kinesisShardHour', shards * hoursPerMonth, 1) +
        cost('kinesisPutPayloadUnits', telemetryPutUnits, 1e6),
    },
    {
      component: 'Kinesis lake streams (3, provisioned)',
      quantity: `${3 * lakeShards} shards, ${millions(lakePutUnits)} PUT units`,
      monthlyUsd:
        cost('kinesisShardHour', 3 * lakeShards * hoursPerMonth, 1) +
        cost('kinesisPutPayloadUnits', lakePutUnits, 1e6),
    },
    {
      component: 'Lambda (enrichment, arm64)',
      quantity: `${millions(invocations)} invocations`,
      monthlyUsd:
        cost('lambdaRequests', invocations, 1e6) +
        cost('lambdaArmGbSecond', invocations * lambdaSecondsPerInvocation * lambdaMemoryGb, 1),
    },
    {
      component: 'Firehose ingestion',
      quantity: `${millions(rows)} records, ${firehoseBilledGb.toFixed(0)} GB billed (5 KB per record)`,
      monthlyUsd: cost('firehoseIngestionGb', firehoseBilledGb, 1),
    },
    {
      component: 'Firehose Parquet conversion + dynamic partitioning',
      quantity: `${firehoseBilledGb.toFixed(0)} GB converted, ${millions(3 * deliveredObjectsPerMonth)} objects`,
      monthlyUsd:
        cost('firehoseFormatConversionGb', firehoseBilledGb, 1) +
        cost('firehoseDynamicPartitioningGb', firehoseActualGb, 1) +
        cost('firehoseDynamicPartitioningObjects', 3 * deliveredObjectsPerMonth, 1000),
    },
    {
      component: 'S3 lake (first month stored)',
      quantity: `${parquetGb.toFixed(1)} GB Parquet, ${millions(3 * deliveredObjectsPerMonth)} PUTs`,
      monthlyUsd:
        cost('s3StandardGbMonth', parquetGb, 1) + cost('s3PutRequests', 3 * deliveredObjectsPerMonth, 1000),
    },
  ];
  return { scenario, lines, totalUsd: lines.reduce((sum, line) => sum + line.monthlyUsd, 0) };
}

export interface DesignOption {
  readonly name: string;
  readonly projection: CostProjection;
}

/** The scenario as given, and the levers that change the bill most: batching and Basic Ingest. */
export function compareDesignOptions(scenario: FleetScenario): DesignOption[] {
  const batch = Math.max(scenario.readingsPerMessage ?? 1, 10);
  return [
    { name: 'as given', projection: projectMonthlyCost(scenario) },
    {
      name: `batch ${batch} readings per message`,
      projection: projectMonthlyCost({ ...scenario, readingsPerMessage: batch }),
    },
    { name: 'Basic Ingest', projection: projectMonthlyCost({ ...scenario, ingest: 'basic-ingest' }) },
    {
      name: `Basic Ingest + batch ${batch}`,
      projection: projectMonthlyCost({ ...scenario, ingest: 'basic-ingest', readingsPerMessage: batch }),
    },
  ];
}
