import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { columnsOf, duckdbTypeOf, partitionKeys } from '@tributary/contracts';
import { QueryError, type QueryErrorCode } from '../src/core/index.js';
import { LakeQueryService } from '../src/local/index.js';
import {
  aQuarantineRecord,
  aReading,
  anAnomaly,
  makeTempDir,
  receivedAt,
  removeDir,
  writeLakeRows,
  writeParquet,
} from './lake-fixtures.js';

const hour = 3_600_000;

async function queryErrorOf(answer: Promise<unknown>): Promise<QueryError> {
  const error = await answer.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QueryError);
  return error as QueryError;
}

let workDir: string;
let lakeDir: string;
let service: LakeQueryService | undefined;

const open = async (
  options: { maxRows?: number; timeoutMs?: number; maxConcurrentQueries?: number } = {},
) => {
  service = await LakeQueryService.open({ lakeDir, ...options });
  return service;
};

beforeEach(async () => {
  workDir = await makeTempDir('insights');
  lakeDir = join(workDir, 'lake');
  await mkdir(lakeDir);
});

afterEach(async () => {
  await service?.close();
  service = undefined;
  await removeDir(workDir);
});

describe('LakeQueryService over a lake with data', () => {
  beforeEach(async () => {
    await writeLakeRows(lakeDir, 'telemetry', [
      aReading({ metric: 'temperature', value: 21.5, message_id: 'm-1' }),
      aReading({ metric: 'pressure', value: 1.2, message_id: 'm-1' }),
      aReading({
        thing_name: 'fan-2',
        thing_type: 'fan',
        site: 'plant-b',
        metric: 'rpm',
        value: 900,
        message_id: 'm-9',
      }),
      aReading({ metric: 'temperature', value: 23, message_id: 'm-2', received_at: receivedAt + hour }),
    ]);
    await writeLakeRows(lakeDir, 'anomalies', [anAnomaly()]);
    await writeLakeRows(lakeDir, 'quarantine', [aQuarantineRecord()]);
  });

  it('answers a SELECT over telemetry with the enrichment columns and typed values', async () => {
    const queries = await open();
    const result = await queries.query(
      `SELECT thing_name, metric, value, site, thing_type, anomaly_score, received_at, hour
       FROM telemetry WHERE thing_name = 'pump-7' ORDER BY received_at, metric`,
    );
    expect(result.columns).toEqual([
      { name: 'thing_name', type: 'VARCHAR' },
      { name: 'metric', type: 'VARCHAR' },
      { name: 'value', type: 'DOUBLE' },
      { name: 'site', type: 'VARCHAR' },
      { name: 'thing_type', type: 'VARCHAR' },
      { name: 'anomaly_score', type: 'DOUBLE' },
      { name: 'received_at', type: 'TIMESTAMP_MS' },
      { name: 'hour', type: 'VARCHAR' },
    ]);
    expect(result.rows).toEqual([
      expect.objectContaining({
        metric: 'pressure',
        value: 1.2,
        site: 'plant-a',
        thing_type: 'pump',
        hour: '05',
      }),
      expect.objectContaining({ metric: 'temperature', value: 21.5, anomaly_score: null }),
      expect.objectContaining({ metric: 'temperature', value: 23, hour: '06' }),
    ]);
    expect(result.rows[0]?.['received_at']).toBe('2026-11-25T05:15:30.123Z');
    expect(result.truncated).toBe(false);
  });

  it('reads anomalies and quarantine, and binds ? parameters', async () => {
    const queries = await open();
    const anomalies = await queries.query('SELECT state, score FROM anomalies WHERE thing_name = ?', [
      'pump-7',
    ]);
    expect(anomalies.rows).toEqual([{ state: 'raised', score: 0.97 }]);
    const quarantine = await queries.query(
      'SELECT reason, detail FROM quarantine WHERE received_at >= $1::TIMESTAMP',
      ['2026-11-25 00:00:00'],
    );
    expect(quarantine.rows).toEqual([{ reason: 'INVALID_JSON', detail: 'payload is not valid JSON' }]);
    const counted = await queries.query('SELECT count(*) AS n FROM telemetry WHERE value > ? AND site = ?', [
      20,
      'plant-a',
    ]);
    expect(counted.rows).toEqual([{ n: 2 }]);
  });

  it('runs the named queries the dashboard and CLI share', async () => {
    const queries = await open();
    const latest = await queries.runNamed('latest_values', { since: receivedAt - hour });
    expect(latest.rows).toEqual([
      { thing_name: 'fan-2', metric: 'rpm', value: 900, received_at: '2026-11-25T05:15:30.123Z' },
      { thing_name: 'pump-7', metric: 'pressure', value: 1.2, received_at: '2026-11-25T05:15:30.123Z' },
      { thing_name: 'pump-7', metric: 'temperature', value: 23, received_at: '2026-11-25T06:15:30.123Z' },
    ]);
  });

  it('marks a result truncated past maxRows and returns exactly maxRows rows', async () => {
    const queries = await open({ maxRows: 5 });
    const truncated = await queries.query('SELECT * FROM range(10000)');
    expect(truncated.rows).toHaveLength(5);
    expect(truncated.truncated).toBe(true);
    const whole = await queries.query('SELECT * FROM range(5)');
    expect(whole.rows).toHaveLength(5);
    expect(whole.truncated).toBe(false);
  });

  it('ignores files still being written (.tmp)', async () => {
    const queries = await open();
    await writeFile(
      join(lakeDir, 'telemetry', 'year=2026', 'month=11', 'day=25', 'hour=05', 'x.parquet.tmp'),
      'half a file',
    );
    const result = await queries.query('SELECT count(*) AS n FROM telemetry');
    expect(result.rows).toEqual([{ n: 4 }]);
  });
});

describe('LakeQueryService over an empty lake', () => {
  it('has every lake table with the contract columns, typed, and no rows', async () => {
    const queries = await open();
    for (const table of ['telemetry', 'anomalies', 'quarantine'] as const) {
      const described = await queries.query(`DESCRIBE ${table}`);
      expect(described.rows.map((row) => [row['column_name'], row['column_type']])).toEqual([
        ...columnsOf(table).map((column) => [column.name, duckdbTypeOf(column.type)]),
        ...partitionKeys.map((key) => [key, 'VARCHAR']),
      ]);
      expect((await queries.query(`SELECT * FROM ${table}`)).rows).toEqual([]);
    }
  });

  it('sees a table’s first files without a restart', async () => {
    const queries = await open();
    expect((await queries.query('SELECT count(*) AS n FROM telemetry')).rows).toEqual([{ n: 0 }]);
    await writeLakeRows(lakeDir, 'telemetry', [aReading()]);
    expect((await queries.query('SELECT count(*) AS n FROM telemetry')).rows).toEqual([{ n: 1 }]);
  });

  it('opens on a lake directory that does not exist yet', async () => {
    service = await LakeQueryService.open({ lakeDir: join(workDir, 'not-yet') });
    expect((await service.query('SELECT count(*) AS n FROM quarantine')).rows).toEqual([{ n: 0 }]);
  });
});

describe('LakeQueryService refuses what is not a read of the lake (DESIGN.md §4)', () => {
  const refused: [string, string][] = [
    ['INSERT', `INSERT INTO telemetry (thing_name) VALUES ('x')`],
    ['UPDATE', `UPDATE telemetry SET value = 0`],
    ['DELETE', `DELETE FROM telemetry`],
    ['CREATE', 'CREATE TABLE stolen AS SELECT 1'],
    ['CREATE VIEW', 'CREATE OR REPLACE VIEW telemetry AS SELECT 1'],
    ['DROP', 'DROP VIEW telemetry'],
    ['COPY TO', `COPY (SELECT 1) TO '/tmp/tributary-copied.csv'`],
    ['COPY FROM', `COPY telemetry FROM '/etc/passwd'`],
    ['ATTACH', `ATTACH '/tmp/tributary-attached.duckdb'`],
    ['INSTALL', 'INSTALL httpfs'],
    ['LOAD', 'LOAD httpfs'],
    ['SET', `SET enable_external_access = true`],
    ['RESET', 'RESET lock_configuration'],
    ['PRAGMA', 'PRAGMA enable_profiling'],
    ['EXPORT', `EXPORT DATABASE '/tmp/tributary-export'`],
    ['read_csv outside the lake', `SELECT * FROM read_csv('/etc/passwd')`],
    ['read_text outside the lake', `SELECT * FROM read_text('/etc/hostname')`],
    ['glob outside the lake', `SELECT * FROM glob('/etc/*')`],
    ['EXPLAIN ANALYZE of a write', `EXPLAIN ANALYZE CREATE TABLE t AS SELECT 1`],
    ['a write inside query()', `SELECT * FROM query('CREATE TABLE t AS SELECT 1')`],
  ];

  it.each(refused)('refuses %s', async (_kind, sql) => {
    const queries = await open();
    const error = await queryErrorOf(queries.query(sql));
    expect(['FORBIDDEN', 'SYNTAX_ERROR'] satisfies QueryErrorCode[]).toContain(error.code);
    if (!sql.includes('query(')) expect(error.code).toBe('FORBIDDEN');
  });

  it('refuses read_parquet of a file outside the lake, also by a path that climbs out of it', async () => {
    const outside = join(workDir, 'outside.parquet');
    await writeParquet(outside, columnsOf('anomalies'), [anAnomaly()]);
    const queries = await open();
    for (const path of [outside, join(lakeDir, '..', 'outside.parquet'), `${lakeDir}/../outside.parquet`]) {
      const error = await queryErrorOf(queries.query(`SELECT * FROM read_parquet('${path}')`));
      expect(error.code).toBe('FORBIDDEN');
      expect(error.message).toMatch(/lake/);
    }
  });

  it('reads a lake file directly with read_parquet', async () => {
    const [path] = await writeLakeRows(lakeDir, 'telemetry', [aReading()]);
    const queries = await open();
    const result = await queries.query(`SELECT thing_name FROM read_parquet('${path}')`);
    expect(result.rows).toEqual([{ thing_name: 'pump-7' }]);
  });

  it('refuses several statements in one query', async () => {
    const queries = await open();
    const error = await queryErrorOf(queries.query('SELECT 1; SELECT 2'));
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(/one statement/);
  });

  it('keeps the sandbox locked after a refused SET', async () => {
    const queries = await open();
    await queryErrorOf(queries.query('SET enable_external_access = true'));
    const setting = await queries.query(`SELECT current_setting('enable_external_access') AS external`);
    expect(setting.rows).toEqual([{ external: false }]);
  });
});

describe('LakeQueryService errors', () => {
  it('reports a syntax error with DuckDB’s message', async () => {
    const queries = await open();
    const error = await queryErrorOf(queries.query('SELEC thing_name FROM telemetry'));
    expect(error.code).toBe('SYNTAX_ERROR');
    expect(error.message).toMatch(/^Parser Error: syntax error at or near "SELEC"/);
  });

  it('reports an unknown column as INVALID_QUERY with advice', async () => {
    const queries = await open();
    const error = await queryErrorOf(queries.query('SELECT no_such_column FROM telemetry'));
    expect(error.code).toBe('INVALID_QUERY');
    expect(error.message).toMatch(/DESCRIBE telemetry/);
  });

  it('refuses parameters that do not match the placeholders', async () => {
    const queries = await open();
    expect((await queryErrorOf(queries.query('SELECT ? AS a', []))).code).toBe('BAD_PARAMETERS');
    expect((await queryErrorOf(queries.query('SELECT ? AS a', [{ nested: true }]))).code).toBe(
      'BAD_PARAMETERS',
    );
    expect((await queryErrorOf(queries.query('SELECT 1', [1]))).code).toBe('BAD_PARAMETERS');
  });

  it('refuses an empty query', async () => {
    const queries = await open();
    expect((await queryErrorOf(queries.query('  -- nothing\n'))).code).toBe('SYNTAX_ERROR');
  });

  it('interrupts a query that runs past the timeout and keeps answering', async () => {
    const queries = await open({ timeoutMs: 300 });
    const startedAt = Date.now();
    const error = await queryErrorOf(
      queries.query('SELECT count(*) FROM range(10000000000) a CROSS JOIN range(10000000000) b'),
    );
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toMatch(/300 ms/);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect((await queries.query('SELECT 42 AS answer')).rows).toEqual([{ answer: 42 }]);
  });

  it('stops a query that needs more memory than the sandbox allows, and keeps answering', async () => {
    const queries = await open();
    const error = await queryErrorOf(
      queries.query("SELECT string_agg(repeat('x', 1000), ',') FROM range(3000000)"),
    );
    expect(error.code).toBe('QUERY_FAILED');
    expect(error.message).toMatch(/memory/i);
    expect((await queries.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('refuses a query beyond maxConcurrentQueries with BUSY', async () => {
    const queries = await open({ timeoutMs: 500, maxConcurrentQueries: 1 });
    const long = queries.query('SELECT count(*) FROM range(10000000000) a CROSS JOIN range(10000000000) b');
    expect((await queryErrorOf(queries.query('SELECT 1'))).code).toBe('BUSY');
    await long.catch(() => undefined);
    expect((await queries.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await queries.query('SELECT 2');
    expect((await queries.query('SELECT 3 AS three')).rows).toEqual([{ three: 3 }]);
  });

  it('interrupts running queries on close and refuses new ones', async () => {
    const queries = await open({ timeoutMs: 60_000 });
    const long = queries.query('SELECT count(*) FROM range(10000000000) a CROSS JOIN range(10000000000) b');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await queries.close();
    expect((await queryErrorOf(long)).code).toBe('CLOSED');
    expect((await queryErrorOf(queries.query('SELECT 1'))).code).toBe('CLOSED');
  });
});
