// The lake writer publishes, in the same flush as a telemetry file, the rollup partials of exactly the rows
// it wrote: duplicates it drops are never counted, and partials read back combine to the raw aggregates.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { aReading, receivedAt } from '@tributary/contracts/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LakeWriter } from '../src/local/index.js';
import { FileLeftVisibleError, ParquetPartitionFiles } from '../src/local/parquet-partition-files.js';
import { lakeTableSource } from './fixtures/small-files-lake.js';

let lakeDir: string;
let writer: LakeWriter;
let duckdb: DuckDBConnection;

async function sql(query: string): Promise<Record<string, unknown>[]> {
  return (await duckdb.runAndReadAll(query)).getRowObjectsJS();
}

/** The partials of each bucket combined, as the named queries combine them. */
const combinedRollups = (table: string) =>
  sql(`SELECT thing_name, metric, epoch_ms(bucket_start) AS bucket_start,
      CAST(sum(reading_count) AS INTEGER) AS readings, sum(value_sum) AS value_sum,
      min(value_min) AS value_min, max(value_max) AS value_max,
      max_by(last_value, last_received_at) AS last_value, max(max_anomaly_score) AS max_anomaly_score
    FROM ${lakeTableSource(lakeDir, table)} GROUP BY ALL ORDER BY ALL`);

/** The same aggregates straight from the raw readings. */
const rawAggregates = (grain: 'minute' | 'hour') =>
  sql(`SELECT thing_name, metric, epoch_ms(date_trunc('${grain}', received_at)) AS bucket_start,
      CAST(count(*) AS INTEGER) AS readings, sum(value) AS value_sum, min(value) AS value_min,
      max(value) AS value_max, max_by(value, received_at) AS last_value, max(anomaly_score) AS max_anomaly_score
    FROM ${lakeTableSource(lakeDir, 'telemetry')} GROUP BY ALL ORDER BY ALL`);

beforeAll(async () => {
  duckdb = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(() => duckdb.closeSync());

beforeEach(async () => {
  lakeDir = await mkdtemp(join(tmpdir(), 'tributary-rollups-'));
  writer = await LakeWriter.open({ lakeDir, flushIntervalMs: 60_000 });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await writer.close();
  await rm(lakeDir, { recursive: true, force: true });
});

const readingsOf = (from: number, count: number, thing = 'pump-7') =>
  Array.from({ length: count }, (_, i) =>
    aReading({
      thing_name: thing,
      message_id: `${thing}-m-${from + i}`,
      value: (from + i) % 17,
      received_at: receivedAt + (from + i) * 13_000,
      anomaly_score: (from + i) % 4 === 0 ? ((from + i) % 10) / 10 : null,
    }),
  );

/**
 * The next publish of `failing` fails after its file was renamed into place (its directory's fsync failed) and
 * the file could not be removed: readers see it, the writer is told it failed.
 */
function leaveVisibleOnce(failing: string): void {
  const publish = ParquetPartitionFiles.prototype.publish;
  let faults = 1;
  vi.spyOn(ParquetPartitionFiles.prototype, 'publish').mockImplementation(async function (
    this: ParquetPartitionFiles,
    table,
    partitionPath,
    rows,
  ) {
    const dataFile = await publish.call(this, table, partitionPath, rows);
    if (table !== failing || faults-- === 0) return dataFile;
    throw new FileLeftVisibleError(dataFile, new Error('EIO: i/o error, fsync'));
  });
}

describe('LakeWriter rollups', () => {
  it('publishes per-minute and per-hour partials, in the bucket’s hive partition, with each flush', async () => {
    writer.append('telemetry', [aReading()]);
    await writer.flush();
    const minuteDirs = await readdir(join(lakeDir, 'telemetry_1m/year=2026/month=11/day=25/hour=05'));
    const hourDirs = await readdir(join(lakeDir, 'telemetry_1h/year=2026/month=11/day=25/hour=05'));
    expect(minuteDirs.filter((f) => f.endsWith('.parquet'))).toHaveLength(1);
    expect(hourDirs.filter((f) => f.endsWith('.parquet'))).toHaveLength(1);
    expect(writer.stats.rowsWritten).toMatchObject({ telemetry: 1, telemetry_1m: 1, telemetry_1h: 1 });
  });

  it('combines partials of several flushes to the exact aggregates of the raw rows', async () => {
    for (const [from, count] of [
      [0, 40],
      [40, 3],
      [43, 300],
    ] as const) {
      writer.append('telemetry', [...readingsOf(from, count), ...readingsOf(from, count, 'fan-2')]);
      await writer.flush();
    }
    const partials = await sql(`SELECT count(*) AS n FROM ${lakeTableSource(lakeDir, 'telemetry_1m')}`);
    const minutes = await combinedRollups('telemetry_1m');
    expect(Number(partials[0]?.['n'])).toBeGreaterThan(minutes.length);
    expect(minutes).toEqual(await rawAggregates('minute'));
    expect(await combinedRollups('telemetry_1h')).toEqual(await rawAggregates('hour'));
  });

  it('does not count a redelivered reading twice: within a batch, across flushes, or after a restart', async () => {
    const readings = readingsOf(0, 50);
    writer.append('telemetry', [...readings, ...readings.slice(0, 10)]);
    await writer.flush();
    const before = await combinedRollups('telemetry_1m');
    writer.append('telemetry', readings.slice(20, 30));
    await writer.flush();
    await writer.close();
    writer = await LakeWriter.open({ lakeDir, flushIntervalMs: 60_000 });
    writer.append('telemetry', readings);
    await writer.flush();
    expect(writer.stats.rowsWritten).toMatchObject({ telemetry: 0, telemetry_1m: 0, telemetry_1h: 0 });
    expect(await combinedRollups('telemetry_1m')).toEqual(before);
    expect(await combinedRollups('telemetry_1h')).toEqual(await rawAggregates('hour'));
  });

  // Readers see a file a failed publish left visible: a rollup file's partials must not be published again
  // (they have no key to deduplicate them by), and a telemetry file's readings must get their partials.
  it.each(['telemetry_1m', 'telemetry'])(
    'keeps the rollups exact when a failed publish leaves a %s file visible',
    async (failing) => {
      leaveVisibleOnce(failing);
      writer.append('telemetry', readingsOf(0, 40));
      await expect(writer.flush()).rejects.toThrow(/could not be removed/);
      // Half of them again, as a redelivery after the failed flush, and as many new ones.
      writer.append('telemetry', readingsOf(20, 40));
      await writer.flush();
      expect(
        Number((await sql(`SELECT count(*) AS n FROM ${lakeTableSource(lakeDir, 'telemetry')}`))[0]?.['n']),
      ).toBe(60);
      expect(await combinedRollups('telemetry_1m')).toEqual(await rawAggregates('minute'));
      expect(await combinedRollups('telemetry_1h')).toEqual(await rawAggregates('hour'));
      expect(writer.stats).toMatchObject({ bufferedRows: 0, lastFlushError: null });
      expect(writer.stats.rowsWritten).toMatchObject({ telemetry: 60 });
    },
  );

  it('sorts a file of more than one row group by thing, so a query for one thing can skip row groups', async () => {
    const large = await LakeWriter.open({ lakeDir, flushIntervalMs: 60_000, maxBufferedRows: 300_000 });
    const ofThing = (thing: string) =>
      Array.from({ length: 62_000 }, (_, i) =>
        aReading({ thing_name: thing, message_id: `m-${i}`, received_at: receivedAt + i }),
      );
    try {
      large.append('telemetry', [...ofThing('zeta-1'), ...ofThing('alpha-1')]);
      await large.flush();
    } finally {
      await large.close();
    }
    const rowGroups = await sql(
      `SELECT row_group_id, stats_min_value AS first, stats_max_value AS last
       FROM parquet_metadata('${lakeDir}/telemetry/**/*.parquet') WHERE path_in_schema = 'thing_name' ORDER BY 1`,
    );
    expect(rowGroups.map(({ first, last }) => [first, last])).toEqual([
      ['alpha-1', 'zeta-1'],
      ['zeta-1', 'zeta-1'],
    ]);
  });
});
