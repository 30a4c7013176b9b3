// Schema drift across partitions (faults.md #5): files written before the contract gained columns sit
// beside files written after. Queries and named queries read both, the old rows with NULL for what they
// lack.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { aReading, receivedAt } from './lake-fixtures.js';
import { useWrittenLake } from './written-lake.js';

const dayMs = 86_400_000;
const oldReceivedAt = receivedAt - dayMs;

/** A file of the first telemetry schema: no unit, raw_value, location, thing_groups or firmware yet. */
async function writeOldSchemaFile(lakeDir: string): Promise<void> {
  const oldPartition = join(lakeDir, 'telemetry/year=2026/month=11/day=24/hour=05');
  await mkdir(oldPartition, { recursive: true });
  const duckdb = await (await DuckDBInstance.create(':memory:')).connect();
  await duckdb.run(
    `COPY (SELECT 'pump-7' AS thing_name, 'temperature' AS metric, 19.5::DOUBLE AS value,
        epoch_ms(${oldReceivedAt - 40})::TIMESTAMP_MS AS device_time, epoch_ms(${oldReceivedAt})::TIMESTAMP_MS AS received_at,
        'old-1' AS message_id, 'c-old-1' AS correlation_id, 'pump' AS thing_type, 'plant-a' AS site,
        NULL::DOUBLE AS anomaly_score)
      TO '${join(oldPartition, 'data-0000000000000-old.parquet')}' (FORMAT parquet)`,
  );
  duckdb.closeSync();
}

const lake = useWrittenLake(
  'schema-evolution',
  () => [aReading({ message_id: 'new-1', firmware: '2.1.0', unit: 'celsius' })],
  writeOldSchemaFile,
);

describe('queries across old and new partitions', () => {
  it('reads rows of both schemas, with NULL where the old files lack a column', async () => {
    const { rows } = await lake.service.query(
      'SELECT message_id, value, firmware, unit, day FROM telemetry ORDER BY received_at',
    );
    expect(rows).toEqual([
      { message_id: 'old-1', value: 19.5, firmware: null, unit: null, day: '24' },
      { message_id: 'new-1', value: 21.5, firmware: '2.1.0', unit: 'celsius', day: '25' },
    ]);
  });

  it('runs a named query over a range that spans both', async () => {
    const { rows } = await lake.service.runNamed('thing_readings', {
      thing_name: 'pump-7',
      from: oldReceivedAt - 1,
      to: receivedAt + 1,
    });
    expect(rows.map((row) => row['message_id'])).toEqual(['old-1', 'new-1']);
  });
});
