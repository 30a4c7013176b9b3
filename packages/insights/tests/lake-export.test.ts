// `tributary export`: a query's whole result as a CSV or Parquet file, written atomically, and only for read
// statements — the export opens the sandbox to one private staging directory, nothing else. While a platform
// runs, the export goes through its API, under the gate its compactor swaps files under.
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueryError } from '../src/core/index.js';
import { LakeFileGate } from '@tributary/store/local';
import {
  exportedRowsHeader,
  exportLakeQuery,
  LakeQueryService,
  LiveFeed,
  startDashboardServer,
  type DashboardServer,
} from '../src/local/index.js';
import { httpRequest } from './http-client.js';
import { aReading, makeTempDir, receivedAt, removeDir, writeLakeRows } from './lake-fixtures.js';

let workDir: string;
let lakeDir: string;
let outDir: string;

beforeEach(async () => {
  workDir = await makeTempDir('export');
  lakeDir = join(workDir, 'lake');
  outDir = join(workDir, 'out');
  await mkdir(outDir, { recursive: true });
  await writeLakeRows(
    lakeDir,
    'telemetry',
    Array.from({ length: 3 }, (_, i) =>
      aReading({
        correlation_id: `c-${i}`,
        thing_name: `pump-${i}`,
        value: i + 0.5,
        received_at: receivedAt,
      }),
    ),
  );
});

afterEach(async () => removeDir(workDir));

async function readParquet(path: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT * FROM read_parquet('${path}') ORDER BY thing_name`,
    );
    return reader.getRowObjectsJS();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('exportLakeQuery', () => {
  it('writes every row of the result as Parquet, readable by any Parquet reader', async () => {
    const outPath = join(outDir, 'readings.parquet');
    const result = await exportLakeQuery({
      lakeDir,
      sql: 'SELECT thing_name, value FROM telemetry',
      outPath,
      format: 'parquet',
    });
    expect(result).toMatchObject({ path: outPath, rows: 3 });
    expect(result.bytes).toBeGreaterThan(0);
    expect(await readParquet(outPath)).toEqual([
      { thing_name: 'pump-0', value: 0.5 },
      { thing_name: 'pump-1', value: 1.5 },
      { thing_name: 'pump-2', value: 2.5 },
    ]);
  });

  it('writes CSV with a header line', async () => {
    const outPath = join(outDir, 'readings.csv');
    await exportLakeQuery({
      lakeDir,
      sql: 'SELECT thing_name, value FROM telemetry ORDER BY thing_name;',
      outPath,
      format: 'csv',
    });
    expect(await readFile(outPath, 'utf8')).toBe('thing_name,value\npump-0,0.5\npump-1,1.5\npump-2,2.5\n');
  });

  it('refuses a statement that writes, and leaves neither the file nor its staging directory', async () => {
    const outPath = join(outDir, 'x.csv');
    const attempt = exportLakeQuery({ lakeDir, sql: 'DELETE FROM telemetry', outPath, format: 'csv' });
    await expect(attempt).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(attempt).rejects.toBeInstanceOf(QueryError);
    expect(await readdir(outDir)).toEqual([]);
  });

  it('cannot be turned into a write elsewhere by closing the COPY inside the SQL', async () => {
    const victim = join(workDir, 'victim.csv');
    const attempt = exportLakeQuery({
      lakeDir,
      sql: `SELECT 1) TO '${victim}' (FORMAT csv); SELECT (1`,
      outPath: join(outDir, 'x.csv'),
      format: 'csv',
    });
    await expect(attempt).rejects.toBeInstanceOf(QueryError);
    await expect(readFile(victim)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('cannot read files outside the lake', async () => {
    const secret = join(workDir, 'secret.csv');
    await writeFile(secret, 'password\nhunter2\n');
    const attempt = exportLakeQuery({
      lakeDir,
      sql: `SELECT * FROM read_csv('${secret}')`,
      outPath: join(outDir, 'x.csv'),
      format: 'csv',
    });
    await expect(attempt).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await readdir(outDir)).toEqual([]);
  });

  it('keeps an existing file when the new export fails', async () => {
    const outPath = join(outDir, 'readings.csv');
    await writeFile(outPath, 'previous export\n');
    const attempt = exportLakeQuery({ lakeDir, sql: 'SELECT nope FROM telemetry', outPath, format: 'csv' });
    await expect(attempt).rejects.toMatchObject({ code: 'INVALID_QUERY' });
    expect(await readFile(outPath, 'utf8')).toBe('previous export\n');
  });
});

describe('POST /api/export (tributary export while a platform runs)', () => {
  let queries: LakeQueryService;
  let fileGate: LakeFileGate;
  let dashboard: DashboardServer;

  beforeEach(async () => {
    fileGate = new LakeFileGate();
    queries = await LakeQueryService.open({ lakeDir, fileGate });
    dashboard = await startDashboardServer({
      queryService: queries,
      lakeExports: queries,
      liveFeed: new LiveFeed(),
      status: () => ({}),
    });
  });
  afterEach(async () => {
    await dashboard.close();
    await queries.close();
  });

  const postExport = (body: unknown) =>
    httpRequest(`${dashboard.url}/api/export`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: dashboard.url },
      body: JSON.stringify(body),
    });

  it('answers the whole result as the file, with its row count', async () => {
    const answer = await postExport({
      sql: 'SELECT thing_name, value FROM telemetry ORDER BY thing_name',
      format: 'csv',
    });
    expect([answer.status, answer.headers[exportedRowsHeader]]).toEqual([200, '3']);
    expect(answer.text).toBe('thing_name,value\npump-0,0.5\npump-1,1.5\npump-2,2.5\n');
  });

  it('reads under the gate compactions swap files under: it waits while a swap holds it', async () => {
    let releaseSwap!: () => void;
    const swapping = fileGate.exclusive(() => new Promise<void>((resolve) => (releaseSwap = resolve)));
    let answered = false;
    const exported = postExport({ sql: 'SELECT count(*) AS n FROM telemetry', format: 'csv' }).then(
      (answer) => ((answered = true), answer),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toBe(false);
    releaseSwap();
    await swapping;
    expect((await exported).text).toBe('n\n3\n');
  });

  it('answers a refused statement with its query error, as /api/query does', async () => {
    const answer = await postExport({ sql: 'DELETE FROM telemetry', format: 'parquet' });
    expect([answer.status, answer.json.error.code]).toEqual([400, 'FORBIDDEN']);
  });
});
