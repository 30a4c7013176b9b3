// The lake's tables and partition scheme: the same layout under the local data directory and in S3.
// Partitions are hive-style and use the server receive time, never untrusted device time.
import type { z } from 'zod';
import { AnomalyEvent } from './anomaly-event.js';
import { EnrichedReading } from './enriched-reading.js';
import { lakeColumnsOf, type LakeColumn } from './lake-columns.js';
import { rollupTables } from './lake-rollups.js';
import { LifecycleEventRecord } from './lifecycle-event-record.js';
import { QuarantineRecord } from './quarantine.js';
import { ShadowHistoryRecord } from './shadow-history.js';

export * from './lake-rollups.js';
export * from './lake-retention.js';

export interface LakeTable<Row extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  readonly description: string;
  readonly row: Row;
  /** The epoch-ms column whose value places a row in its partition. */
  readonly partitionTime: keyof z.infer<Row> & string;
}

/** The tables Transform writes: on AWS each has its own Kinesis stream, which a Firehose delivers. */
export const streamedLakeTables = {
  telemetry: {
    name: 'telemetry',
    description: 'Enriched readings, one row per metric of a reading.',
    row: EnrichedReading,
    partitionTime: 'received_at',
  },
  anomalies: {
    name: 'anomalies',
    description: 'Anomaly alarms raised and cleared per thing and metric.',
    row: AnomalyEvent,
    partitionTime: 'received_at',
  },
  quarantine: {
    name: 'quarantine',
    description: 'Input that failed validation, with its reason and original bytes.',
    row: QuarantineRecord,
    partitionTime: 'received_at',
  },
} as const satisfies Record<string, LakeTable>;
export type StreamedLakeTableName = keyof typeof streamedLakeTables;

/**
 * The tables of what IoT Core itself publishes: a topic rule selects each row (lake-delivery-rules.ts)
 * and puts it on the table's Firehose directly, as the local rules engine hands it to the lake writer.
 */
export const ruleFedLakeTables = {
  shadow_history: {
    name: 'shadow_history',
    description: 'Every accepted device shadow update: its version and reported and desired state.',
    row: ShadowHistoryRecord,
    partitionTime: 'received_at',
  },
  lifecycle_events: {
    name: 'lifecycle_events',
    description: 'Connect, disconnect, connect-failure, subscribe and unsubscribe events of MQTT clients.',
    row: LifecycleEventRecord,
    partitionTime: 'received_at',
  },
} as const satisfies Record<string, LakeTable>;
export type RuleFedLakeTableName = keyof typeof ruleFedLakeTables;

/** The tables whose rows are delivered into the lake, each with its idempotency key and its own Firehose on AWS. */
export const lakeTables = { ...streamedLakeTables, ...ruleFedLakeTables } as const satisfies Record<
  string,
  LakeTable
>;

export type LakeTableName = keyof typeof lakeTables;

/**
 * Every table of the lake's catalogue: the delivered tables and the telemetry rollups the lake writer
 * derives from what it writes (lake-rollups.ts). Same partition scheme, same catalogue, same SQL views.
 */
export const allLakeTables = { ...lakeTables, ...rollupTables } as const satisfies Record<string, LakeTable>;
export type AnyLakeTableName = keyof typeof allLakeTables;

/** Partition keys, outermost first; all strings, zero-padded, so they sort as they read. */
export const partitionKeys = ['year', 'month', 'day', 'hour'] as const;
export type PartitionKey = (typeof partitionKeys)[number];

export function partitionValuesFor(epochMillis: number): Record<PartitionKey, string> {
  const iso = new Date(epochMillis).toISOString();
  return { year: iso.slice(0, 4), month: iso.slice(5, 7), day: iso.slice(8, 10), hour: iso.slice(11, 13) };
}

/** `telemetry/year=2026/month=11/day=25/hour=05` — relative to the lake root (a directory or an S3 prefix). */
export function partitionPathFor(table: AnyLakeTableName, epochMillis: number): string {
  const values = partitionValuesFor(epochMillis);
  return [table, ...partitionKeys.map((key) => `${key}=${values[key]}`)].join('/');
}

/** Every column of a table, partition keys excluded. */
export const columnsOf = (table: AnyLakeTableName): LakeColumn[] => lakeColumnsOf(allLakeTables[table].row);

/**
 * Athena partition projection for the scheme above, so no crawler or MSCK REPAIR is needed on AWS.
 * https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html
 */
export function partitionProjectionFor(table: AnyLakeTableName, bucketUri: string, firstYear = 2024) {
  return {
    'projection.enabled': 'true',
    'projection.year.type': 'integer',
    'projection.year.range': `${firstYear},2100`,
    'projection.month.type': 'integer',
    'projection.month.range': '1,12',
    'projection.month.digits': '2',
    'projection.day.type': 'integer',
    'projection.day.range': '1,31',
    'projection.day.digits': '2',
    'projection.hour.type': 'integer',
    'projection.hour.range': '0,23',
    'projection.hour.digits': '2',
    'storage.location.template': `${bucketUri}/${table}/year=\${year}/month=\${month}/day=\${day}/hour=\${hour}`,
  } as const;
}
