import { describe, expect, it } from 'vitest';
import {
  allLakeTables,
  bucketStartOf,
  catalogTableOf,
  columnsOf,
  lakeTables,
  partitionPathFor,
  TelemetryRollup,
} from '../src/index.js';

describe('the telemetry rollup tables', () => {
  it('are catalogued beside the delivered tables, which alone get Firehoses', () => {
    expect(Object.keys(lakeTables)).toEqual([
      'telemetry',
      'anomalies',
      'quarantine',
      'shadow_history',
      'lifecycle_events',
    ]);
    expect(Object.keys(allLakeTables)).toEqual([
      'telemetry',
      'anomalies',
      'quarantine',
      'shadow_history',
      'lifecycle_events',
      'telemetry_1m',
      'telemetry_1h',
    ]);
  });

  it('derive their columns and Glue types from the zod schema, with the nullable ones marked', () => {
    const table = catalogTableOf('telemetry_1h', 's3://lake-bucket');
    expect(table.storageDescriptor.columns).toContainEqual({ name: 'reading_count', type: 'bigint' });
    expect(table.storageDescriptor.columns).toContainEqual({
      name: 'max_anomaly_score',
      type: 'double',
      comment: 'nullable',
    });
    expect(table.storageDescriptor.location).toBe('s3://lake-bucket/telemetry_1h/');
    expect(columnsOf('telemetry_1m').map((c) => c.name)).toEqual(Object.keys(TelemetryRollup.shape));
  });

  it('partition by the bucket start with the same hive scheme, buckets aligned to their grain', () => {
    const at = Date.UTC(2026, 10, 25, 5, 59, 59, 999);
    expect(bucketStartOf('telemetry_1m', at)).toBe(Date.UTC(2026, 10, 25, 5, 59));
    expect(bucketStartOf('telemetry_1h', at)).toBe(Date.UTC(2026, 10, 25, 5));
    expect(partitionPathFor('telemetry_1m', bucketStartOf('telemetry_1m', at))).toBe(
      'telemetry_1m/year=2026/month=11/day=25/hour=05',
    );
  });

  it('refuses a partial row without a reading count', () => {
    const row = {
      thing_name: 'pump-7',
      metric: 'temperature',
      bucket_start: 0,
      value_sum: 1,
      value_min: 1,
      value_max: 1,
      last_value: 1,
      last_received_at: 0,
      max_anomaly_score: null,
      thing_type: null,
      site: null,
    };
    expect(TelemetryRollup.safeParse(row).success).toBe(false);
    expect(TelemetryRollup.safeParse({ ...row, reading_count: 1 }).success).toBe(true);
  });
});
