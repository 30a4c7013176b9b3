// Bytes-scanned accounting and the per-query cutoff of the local query service, as an Athena workgroup's
// BytesScannedCutoffPerQuery applies them on AWS, over real Parquet files in the lake's hive layout.
// https://docs.aws.amazon.com/athena/latest/ug/workgroups-setting-control-limits-cloudwatch.html
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { QueryError } from '../src/core/index.js';
import { LakeQueryService, LiveFeed, startDashboardServer } from '../src/local/index.js';
import { postQuery } from './http-client.js';
import { aReading, makeTempDir, receivedAt, removeDir, writeLakeRows } from './lake-fixtures.js';

const hour = 3_600_000;
/** The partition of `receivedAt` (2026-11-25 05:15 UTC) and the three hours after it. */
const firstHour = `year = '2026' AND month = '11' AND day = '25' AND hour = '05'`;
const firstTwoHours = `year = '2026' AND month = '11' AND day = '25' AND hour IN ('05', '06')`;

let workDir: string;
let lakeDir: string;
/** The telemetry file of each hour, first hour first. */
let hourFiles: string[];
let service: LakeQueryService | undefined;

const open = async (bytesScannedCutoffPerQuery?: number) => {
  service = await LakeQueryService.open({ lakeDir, bytesScannedCutoffPerQuery });
  return service;
};

const bytesScannedBy = async (sql: string, params: unknown[] = []) => {
  const result = await (service ?? (await open())).query(sql, params);
  expect(result.bytesScanned).toBeTypeOf('number');
  return result.bytesScanned as number;
};

/** Footer plus the `columns`' compressed chunks of each file, read from the files by a DuckDB of the test's own. */
async function parquetBytesOf(files: readonly string[], columns: readonly string[]): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    let total = 0;
    for (const file of files) {
      const footer = await connection.runAndReadAll(
        `SELECT footer_size FROM parquet_file_metadata('${file}')`,
      );
      total += Number(footer.getRowsJS()[0]![0]);
      const chunks = await connection.runAndReadAll(
        `SELECT path_in_schema, total_compressed_size FROM parquet_metadata('${file}')`,
      );
      for (const [column, size] of chunks.getRowsJS() as [string, bigint][]) {
        if (columns.includes(column)) total += Number(size);
      }
    }
    return total;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

// One lake for every test: they only read it.
beforeAll(async () => {
  workDir = await makeTempDir('bytes-scanned');
  lakeDir = join(workDir, 'lake');
  await mkdir(lakeDir);
  hourFiles = [];
  for (let h = 0; h < 4; h += 1) {
    const readings = Array.from({ length: 200 }, (_, i) =>
      aReading({
        thing_name: `pump-${i % 20}`,
        metric: i % 2 === 0 ? 'temperature' : 'pressure',
        value: h * 1000 + i * 1.25,
        message_id: `m-${h}-${i}`,
        received_at: receivedAt + h * hour + i * 1000,
      }),
    );
    hourFiles.push(...(await writeLakeRows(lakeDir, 'telemetry', readings)));
  }
});

afterEach(async () => {
  await service?.close();
  service = undefined;
});

afterAll(() => removeDir(workDir));

describe('LakeQueryService bytes scanned', () => {
  it('counts the footer and the compressed chunks of the columns read, in the files left after partition pruning', async () => {
    expect(hourFiles).toHaveLength(4);
    expect(await bytesScannedBy(`SELECT value FROM telemetry WHERE ${firstHour}`)).toBe(
      await parquetBytesOf(hourFiles.slice(0, 1), ['value']),
    );
    expect(await bytesScannedBy(`SELECT thing_name FROM telemetry WHERE value > 1500`)).toBe(
      await parquetBytesOf(hourFiles, ['thing_name', 'value']),
    );
  });

  it('grows with the columns a query reads', async () => {
    const oneColumn = await bytesScannedBy('SELECT value FROM telemetry');
    const twoColumns = await bytesScannedBy('SELECT value, thing_name FROM telemetry');
    const everyColumn = await bytesScannedBy('SELECT * FROM telemetry');
    // A column read only to filter is read all the same.
    const filtered = await bytesScannedBy(`SELECT value FROM telemetry WHERE thing_name = 'pump-3'`);

    expect(oneColumn).toBeGreaterThan(0);
    expect(twoColumns).toBeGreaterThan(oneColumn);
    expect(everyColumn).toBeGreaterThan(twoColumns);
    expect(filtered).toBe(twoColumns);
  });

  it('grows with the partitions a query touches: one hour scans less than two, two less than the table', async () => {
    const oneHour = await bytesScannedBy(`SELECT * FROM telemetry WHERE ${firstHour}`);
    const twoHours = await bytesScannedBy(`SELECT * FROM telemetry WHERE ${firstTwoHours}`);
    const wholeTable = await bytesScannedBy('SELECT * FROM telemetry');

    expect(oneHour).toBeGreaterThan(0);
    expect(twoHours).toBeGreaterThan(oneHour);
    expect(wholeTable).toBeGreaterThan(twoHours);
  });

  it('prunes partitions by the bound parameter values as by the same literals', async () => {
    const literal = await bytesScannedBy(`SELECT value FROM telemetry WHERE ${firstHour}`);
    const parameters = await bytesScannedBy(
      'SELECT value FROM telemetry WHERE year = ? AND month = ? AND day = $3 AND hour = $4',
      ['2026', '11', '25', '05'],
    );
    // DuckDB prunes on a partition column compared with a constant, which lpad of a constant folds to.
    const numbers = await bytesScannedBy(
      `SELECT value FROM telemetry WHERE year = '2026' AND month = '11' AND day = lpad(CAST(? AS VARCHAR), 2, '0')
       AND hour = lpad(CAST(? AS VARCHAR), 2, '0')`,
      [25, 5n],
    );
    const quotedText = await bytesScannedBy(
      `SELECT value FROM telemetry WHERE ${firstHour} AND thing_name <> ?`,
      [`it's "ü" \\ ✓`],
    );
    const wholeTable = await bytesScannedBy('SELECT value FROM telemetry');

    expect(parameters).toBe(literal);
    expect(numbers).toBe(literal);
    expect(quotedText).toBe(await parquetBytesOf(hourFiles.slice(0, 1), ['value', 'thing_name']));
    expect(wholeTable).toBeGreaterThan(literal);
  });

  it('reads only footers for count(*), and nothing for an EXPLAIN that does not run its statement', async () => {
    const footers = await bytesScannedBy('SELECT count(*) FROM telemetry');
    expect(footers).toBe(await parquetBytesOf(hourFiles, []));
    expect(await bytesScannedBy('EXPLAIN SELECT * FROM telemetry')).toBe(0);
    expect(await bytesScannedBy('EXPLAIN ANALYZE SELECT value FROM telemetry')).toBe(
      await bytesScannedBy('SELECT value FROM telemetry'),
    );
  });

  it('leaves bytesScanned out rather than under-count what it cannot measure (SUMMARIZE, read_text)', async () => {
    const queries = await open();
    const summarized = await queries.query('SUMMARIZE telemetry');
    const asText = await queries.query(`SELECT count(*) AS files FROM read_text(?)`, [hourFiles[0]]);

    expect(summarized.rows.length).toBeGreaterThan(0);
    expect(summarized).not.toHaveProperty('bytesScanned');
    expect(asText.rows).toEqual([{ files: 1 }]);
    expect(asText).not.toHaveProperty('bytesScanned');
  });
});

describe('LakeQueryService bytes-scanned cutoff', () => {
  it('refuses a query over the cutoff before it runs, naming the bytes and the limit', async () => {
    const wholeTable = await bytesScannedBy('SELECT thing_name FROM telemetry');
    const oneHour = await bytesScannedBy(`SELECT thing_name FROM telemetry WHERE ${firstHour}`);
    await service?.close();
    const cutoff = Math.floor((oneHour + wholeTable) / 2);
    const queries = await open(cutoff);
    // Run, this query fails on its first row: refused, it never gets there.
    const failsWhenRun = 'SELECT CAST(thing_name AS INTEGER) FROM telemetry';

    const refusal = await queries.query(failsWhenRun).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(QueryError);
    expect((refusal as QueryError).code).toBe('BYTES_SCANNED_LIMIT');
    expect((refusal as QueryError).message).toContain(`(${wholeTable} bytes)`);
    expect((refusal as QueryError).message).toContain(`(${cutoff} bytes)`);
    expect((refusal as QueryError).message).toContain('was not run');
    const pruned = await queries.query(`SELECT thing_name FROM telemetry WHERE ${firstHour}`);
    expect(pruned.rows).toHaveLength(200);
    expect(pruned.bytesScanned).toBe(oneHour);
    const underTheCutoff = await queries.query(`${failsWhenRun} WHERE ${firstHour}`).catch((e: unknown) => e);
    expect((underTheCutoff as QueryError).message).toMatch(/Conversion Error/);
  });

  it('answers POST /api/query over the cutoff with 400 BYTES_SCANNED_LIMIT and the message', async () => {
    const queries = await open(1024);
    const dashboard = await startDashboardServer({
      queryService: queries,
      liveFeed: new LiveFeed(),
      status: () => ({}),
    });
    try {
      const answer = await postQuery(dashboard.url, { sql: 'SELECT * FROM telemetry' });

      expect(answer.status).toBe(400);
      expect(answer.json.error.code).toBe('BYTES_SCANNED_LIMIT');
      expect(answer.json.error.message).toMatch(
        /^Bytes scanned limit exceeded: the query would scan .* \(\d+ bytes\), over the per-query limit of 1 KiB \(1024 bytes\), so it was not run\./,
      );
    } finally {
      await dashboard.close();
    }
  });

  it("takes a lower cutoff for one query from POST /api/query's scanLimitBytes, never a higher one", async () => {
    const wholeTable = await bytesScannedBy('SELECT thing_name FROM telemetry');
    await service?.close();
    const queries = await open(wholeTable);
    const dashboard = await startDashboardServer({
      queryService: queries,
      liveFeed: new LiveFeed(),
      status: () => ({}),
    });
    const sql = 'SELECT thing_name FROM telemetry';
    try {
      const lowered = await postQuery(dashboard.url, { sql, scanLimitBytes: wholeTable - 1 });
      expect([lowered.status, lowered.json.error.code]).toEqual([400, 'BYTES_SCANNED_LIMIT']);
      expect(lowered.json.error.message).toContain(`(${wholeTable - 1} bytes)`);
      const raised = await postQuery(dashboard.url, { sql, scanLimitBytes: wholeTable * 10 });
      expect([raised.status, raised.json.bytesScanned]).toEqual([200, wholeTable]);
      const raisedOverTheService = await postQuery(dashboard.url, {
        sql: 'SELECT * FROM telemetry',
        scanLimitBytes: wholeTable * 10,
      });
      expect(raisedOverTheService.json.error.code).toBe('BYTES_SCANNED_LIMIT');
      const invalid = await postQuery(dashboard.url, { sql, scanLimitBytes: 'lots' });
      expect([invalid.status, invalid.json.error.code]).toEqual([400, 'BAD_REQUEST']);
    } finally {
      await dashboard.close();
    }
  });
});
