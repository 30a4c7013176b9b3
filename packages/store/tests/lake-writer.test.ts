// The local lake writer with real DuckDB and real files: hive partitions by receive time, contract
// column types, atomic publish, idempotency, refusal of invalid rows.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { columnsOf, duckdbTypeOf, glueTypeOf } from '@tributary/contracts';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { LakeWriter, LakeWriterError } from '../src/local/index.js';
import { anAnomaly, aQuarantineRecord, aReading, receivedAt } from '@tributary/contracts/testing';
import { lakeTableSource } from './fixtures/small-files-lake.js';

let lakeDir: string;
let writer: LakeWriter;
let duckdb: DuckDBConnection;

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return (
    entries
      .filter((e) => e.isFile())
      .map((e) => relative(directory, join(e.parentPath, e.name)))
      .filter((path) => !path.startsWith('_catalog/'))
      // The rollup partials of each telemetry file: lake-writer-rollups.test.ts covers them.
      .filter((path) => !/^telemetry_1[mh]\//.test(path))
  );
}

async function sql(query: string): Promise<Record<string, unknown>[]> {
  return (await duckdb.runAndReadAll(query)).getRowObjectsJS();
}

beforeAll(async () => {
  duckdb = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(() => duckdb.closeSync());

beforeEach(async () => {
  lakeDir = await mkdtemp(join(tmpdir(), 'tributary-store-'));
  writer = await LakeWriter.open({ lakeDir, flushIntervalMs: 60_000 });
});
afterEach(async () => {
  await writer.close();
  await rm(lakeDir, { recursive: true, force: true });
});

describe('LakeWriter', () => {
  it('writes hive-style partitions by receive time', async () => {
    writer.append('telemetry', [
      aReading({ message_id: 'a' }),
      aReading({ message_id: 'b', received_at: receivedAt + 3_600_000 }),
    ]);
    await writer.flush();
    const files = await filesUnder(lakeDir);
    expect(files).toHaveLength(2);
    expect(files.sort()).toEqual([
      expect.stringMatching(
        /^telemetry\/year=2026\/month=11\/day=25\/hour=05\/part-\d{8}T\d{9}Z-[0-9a-f-]{36}\.parquet$/,
      ),
      expect.stringMatching(/^telemetry\/year=2026\/month=11\/day=25\/hour=06\/part-.+\.parquet$/),
    ]);
    // Each telemetry file comes with its two rollup partials.
    expect(writer.stats).toMatchObject({ filesWritten: 6, rowsWritten: { telemetry: 2 }, bufferedRows: 0 });
  });

  it('writes files DuckDB reads with hive partitioning and the contract column types', async () => {
    writer.append('telemetry', [aReading()]);
    writer.append('anomalies', [anAnomaly()]);
    writer.append('quarantine', [aQuarantineRecord()]);
    await writer.flush();
    for (const table of ['telemetry', 'anomalies', 'quarantine'] as const) {
      const described = await sql(`DESCRIBE SELECT * FROM ${lakeTableSource(lakeDir, table)}`);
      const expected = columnsOf(table).map((c) => ({
        name: c.name,
        // Parquet keeps the millisecond unit; DuckDB reads every Parquet timestamp back as TIMESTAMP.
        type: c.type === 'timestamp' ? 'TIMESTAMP' : duckdbTypeOf(c.type),
      }));
      const actual = described.map((c) => ({ name: c['column_name'], type: c['column_type'] }));
      expect(actual.slice(0, expected.length)).toEqual(expected);
      const partitionKeys = ['year', 'month', 'day', 'hour'].map((name) => ({ name, type: 'VARCHAR' }));
      expect(actual.slice(expected.length)).toEqual(expect.arrayContaining(partitionKeys));
    }
    const [reading] = await sql(
      `SELECT *, epoch_ms(received_at) AS received_ms FROM ${lakeTableSource(lakeDir, 'telemetry')}`,
    );
    expect(reading).toMatchObject({
      thing_name: 'pump-7',
      value: 21.5,
      site: 'plant-a',
      anomaly_score: null,
    });
    expect(reading?.['received_ms']).toBe(BigInt(receivedAt));
    expect(reading).toMatchObject({ year: '2026', month: '11', day: '25', hour: '05' });
  });

  it('stores timestamps in Parquet with millisecond precision', async () => {
    writer.append('telemetry', [aReading()]);
    await writer.flush();
    const [file] = await filesUnder(lakeDir);
    const schema = await sql(
      `SELECT name, converted_type FROM parquet_schema('${join(lakeDir, file ?? '')}')`,
    );
    expect(schema.find((c) => c['name'] === 'received_at')?.['converted_type']).toBe('TIMESTAMP_MILLIS');
  });

  it('leaves no temporary file behind after a flush', async () => {
    writer.append('telemetry', [aReading(), aReading({ message_id: 'm-2' })]);
    await writer.flush();
    const files = await filesUnder(lakeDir);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.parquet'))).toHaveLength(1);
  });

  it('writes a reading appended twice once, within a batch and across flushes', async () => {
    writer.append('telemetry', [aReading(), aReading()]);
    await writer.flush();
    writer.append('telemetry', [aReading({ received_at: receivedAt + 5_000 })]);
    await writer.flush();
    const [{ readings }] = (await sql(
      `SELECT count(*) AS readings FROM ${lakeTableSource(lakeDir, 'telemetry')}`,
    )) as [{ readings: bigint }];
    expect(readings).toBe(1n);
    // One telemetry file and its two rollup partials (per minute, per hour).
    expect(writer.stats).toMatchObject({ duplicatesSkipped: 2, filesWritten: 3 });
  });

  it('skips a replay of rows a previous writer already wrote to the partition', async () => {
    writer.append('anomalies', [anAnomaly()]);
    await writer.close();
    writer = await LakeWriter.open({ lakeDir, flushIntervalMs: 60_000 });
    writer.append('anomalies', [anAnomaly(), anAnomaly({ event_id: 'e-2' })]);
    await writer.flush();
    const rows = await sql(`SELECT event_id FROM ${lakeTableSource(lakeDir, 'anomalies')} ORDER BY event_id`);
    expect(rows.map((r) => r['event_id'])).toEqual(['e-1', 'e-2']);
  });

  it('skips, after a restart, a resend that arrives in the next hour (the device got no PUBACK and sent again)', async () => {
    const beforeTheHour = Date.UTC(2026, 11, 4, 5, 59, 58);
    writer.append('telemetry', [aReading({ message_id: 'late', received_at: beforeTheHour })]);
    await writer.close();
    writer = await LakeWriter.open({ lakeDir, flushIntervalMs: 60_000 });
    writer.append('telemetry', [aReading({ message_id: 'late', received_at: beforeTheHour + 6_000 })]);
    await writer.flush();
    const rows = await sql(
      `SELECT count(*)::INT AS n FROM ${lakeTableSource(lakeDir, 'telemetry')} WHERE message_id = 'late'`,
    );
    expect(rows[0]?.['n']).toBe(1);
    expect(writer.stats.duplicatesSkipped).toBe(1);
  });

  it('refuses an invalid row with a typed error naming the table and field, and buffers nothing', () => {
    const broken = { ...aQuarantineRecord(), reason: 'BECAUSE' } as never;
    let refusal: unknown;
    try {
      writer.append('quarantine', [aQuarantineRecord(), broken]);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(LakeWriterError);
    expect(refusal).toMatchObject({
      code: 'INVALID_ROW',
      message: expect.stringMatching(/"quarantine".*field "reason"/),
    });
    expect(writer.stats.bufferedRows).toBe(0);
  });

  it('keeps a thing name like ../../x out of every path', async () => {
    writer.append('telemetry', [aReading({ thing_name: '../../x' })]);
    await writer.flush();
    const files = await filesUnder(lakeDir);
    expect(files).toEqual([
      expect.stringMatching(/^telemetry\/year=2026\/month=11\/day=25\/hour=05\/part-[^/]+\.parquet$/),
    ]);
    const [row] = await sql(`SELECT thing_name FROM ${lakeTableSource(lakeDir, 'telemetry')}`);
    expect(row?.['thing_name']).toBe('../../x');
  });

  it('refuses rows beyond its buffer limit so a stuck lake pushes back', async () => {
    const small = await LakeWriter.open({ lakeDir, flushIntervalMs: 60_000, maxBufferedRows: 4 });
    try {
      small.append('telemetry', [aReading({ message_id: 'a' })]);
      expect(() =>
        small.append(
          'telemetry',
          ['b', 'c', 'd', 'e'].map((id) => aReading({ message_id: id })),
        ),
      ).toThrowError(expect.objectContaining({ code: 'BUFFER_FULL' }));
    } finally {
      await small.close();
    }
  });

  it('writes on its timer without an explicit flush', async () => {
    const timed = await LakeWriter.open({ lakeDir, flushIntervalMs: 20 });
    try {
      timed.append('quarantine', [aQuarantineRecord()]);
      // Generous: the first write waits for the publishing worker to start (it loads DuckDB, and from source
      // tsx), which took over 2 s on a CI machine running other suites beside this one.
      await expect.poll(() => timed.stats.rowsWritten.quarantine, { timeout: 15_000 }).toBe(1);
    } finally {
      await timed.close();
    }
  });

  it('refuses rows once closed', async () => {
    await writer.close();
    expect(() => writer.append('telemetry', [aReading()])).toThrowError(
      expect.objectContaining({ code: 'CLOSED' }),
    );
  });

  it("keeps a Glue-compatible catalogue beside the lake, with each table's contract columns", async () => {
    const catalog = JSON.parse(await readFile(join(lakeDir, '_catalog', 'telemetry.json'), 'utf8'));
    expect(catalog.storageDescriptor.columns).toEqual(
      columnsOf('telemetry').map((c) => expect.objectContaining({ name: c.name, type: glueTypeOf(c.type) })),
    );
    expect(catalog.partitionKeys.map((k: { name: string }) => k.name)).toEqual([
      'year',
      'month',
      'day',
      'hour',
    ]);
    expect(catalog.storageDescriptor.location).toBe(`file://${lakeDir}/telemetry/`);
    expect((await readdir(join(lakeDir, '_catalog'))).sort()).toEqual([
      'anomalies.json',
      'lifecycle_events.json',
      'quarantine.json',
      'shadow_history.json',
      'telemetry.json',
      'telemetry_1h.json',
      'telemetry_1m.json',
      'versions',
    ]);
  });
});
