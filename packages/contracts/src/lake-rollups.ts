// Per-minute and per-hour rollups of the telemetry table, so the dashboard reads thousands of rows instead of
// millions. The lake writer derives them from the telemetry rows it writes; they are never delivered.
import { z } from 'zod';
import { column } from './lake-columns.js';

/**
 * One PARTIAL aggregate of the readings of one (thing_name, metric) series whose receive time falls in
 * [bucket_start, bucket_start + grain). Several rows may exist for one bucket — one per flush of the lake
 * writer that wrote readings into it — so a reader combines them, never picks one:
 * `sum(reading_count)`, `sum(value_sum)`, `min(value_min)`, `max(value_max)`,
 * `max_by(last_value, last_received_at)`, `max(last_received_at)`, `max(max_anomaly_score)`.
 * Buckets use the server receive time, like the lake's partitions, never the untrusted device time.
 */
export const TelemetryRollup = z.object({
  thing_name: column.string(),
  metric: column.string(),
  /** Start of the bucket (UTC, aligned to the grain); it also places the row in its hive partition. */
  bucket_start: column.timestamp(),
  reading_count: column.bigint(),
  value_sum: column.double(),
  value_min: column.double(),
  value_max: column.double(),
  /** The value of the reading received last in this partial; ties keep the later row written. */
  last_value: column.double(),
  last_received_at: column.timestamp(),
  /** Null when no reading of the partial was scored (the detector was still learning). */
  max_anomaly_score: column.double().nullable(),
  /** Registry context of the last reading, so fleet queries can group without joining the raw table. */
  thing_type: column.string().nullable(),
  site: column.string().nullable(),
});
export type TelemetryRollup = z.infer<typeof TelemetryRollup>;

/** The width of each rollup table's buckets, in milliseconds. */
export const rollupGrainMillis = {
  telemetry_1m: 60_000,
  telemetry_1h: 3_600_000,
} as const;
export type RollupTableName = keyof typeof rollupGrainMillis;

export const rollupTables = {
  telemetry_1m: {
    name: 'telemetry_1m',
    description:
      'Per-minute partial aggregates of telemetry per thing and metric; combine the rows of a bucket.',
    row: TelemetryRollup,
    partitionTime: 'bucket_start',
  },
  telemetry_1h: {
    name: 'telemetry_1h',
    description:
      'Per-hour partial aggregates of telemetry per thing and metric; combine the rows of a bucket.',
    row: TelemetryRollup,
    partitionTime: 'bucket_start',
  },
} as const;

/** The start of the bucket of `table` that holds `epochMillis`. */
export const bucketStartOf = (table: RollupTableName, epochMillis: number): number =>
  epochMillis - (epochMillis % rollupGrainMillis[table]);
