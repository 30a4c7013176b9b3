import { describe, expect, it } from 'vitest';
import { catalogTableOf, columnsOf, duckdbTypeOf, glueTypeOf, partitionPathFor } from '../src/index.js';

describe('lake scheme', () => {
  it('partitions by receive time in UTC, hive-style and zero-padded', () => {
    expect(partitionPathFor('telemetry', Date.UTC(2026, 0, 5, 7, 59))).toBe(
      'telemetry/year=2026/month=01/day=05/hour=07',
    );
  });

  it('derives the telemetry columns and their DuckDB and Glue types from the zod contract', () => {
    const columns = columnsOf('telemetry');
    expect(columns.map((c) => c.name)).toContain('anomaly_score');
    const receivedAt = columns.find((c) => c.name === 'received_at');
    expect(receivedAt).toEqual({ name: 'received_at', type: 'timestamp', nullable: false });
    expect(duckdbTypeOf('timestamp')).toBe('TIMESTAMP_MS');
    expect(glueTypeOf('double')).toBe('double');
    expect(columns.find((c) => c.name === 'site')?.nullable).toBe(true);
  });
});

describe('the lake catalogue', () => {
  it('describes each table with its contract columns, hive partition keys and partition projection', () => {
    const table = catalogTableOf('anomalies', 's3://lake-bucket');
    expect(table.storageDescriptor.columns.map((c) => c.name)).toEqual(
      columnsOf('anomalies').map((c) => c.name),
    );
    expect(table.partitionKeys.map((k) => k.name)).toEqual(['year', 'month', 'day', 'hour']);
    expect(table.storageDescriptor.location).toBe('s3://lake-bucket/anomalies/');
    expect(table.parameters['storage.location.template']).toBe(
      's3://lake-bucket/anomalies/year=${year}/month=${month}/day=${day}/hour=${hour}',
    );
  });
});
