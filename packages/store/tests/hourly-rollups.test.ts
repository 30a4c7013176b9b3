// The rollups on AWS are computed once an hour closes, by an Athena UNLOAD of one SELECT per rollup table.
// That SELECT is SQL Athena and DuckDB share, so here it runs on DuckDB over a lake the local writer wrote,
// with every file delivered twice (as Firehose and Lambda retries can on AWS): it must give exactly the
// rollups the local writer keeps while data arrives.
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { aReading } from '@tributary/contracts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hourlyRollupSelectSql,
  hourlyRollupUnloadSql,
  hoursToRollUp,
  rolledUpRowsSql,
} from '../src/core/index.js';
import { LakeWriter } from '../src/local/index.js';
import { lakeTableSource } from './fixtures/small-files-lake.js';

const hour = Date.UTC(2026, 11, 4, 7);
let lakeDir: string;
let duckdb: DuckDBConnection;

async function sql(query: string): Promise<Record<string, unknown>[]> {
  return (await duckdb.runAndReadAll(query)).getRowObjectsJS();
}

/** Rollup rows with each bucket's partials combined, comparable whatever produced them. */
const combined = (source: string) =>
  sql(`SELECT thing_name, metric, epoch_ms(bucket_start) AS bucket_start,
      CAST(sum(reading_count) AS INTEGER) AS readings, sum(value_sum) AS value_sum,
      min(value_min) AS value_min, max(value_max) AS value_max,
      max_by(last_value, last_received_at) AS last_value, epoch_ms(max(last_received_at)) AS last_received_at,
      max(max_anomaly_score) AS max_anomaly_score, max_by(site, last_received_at) AS site
    FROM ${source} GROUP BY ALL ORDER BY ALL`);

const readingsAround = (thing: string, count: number) =>
  Array.from({ length: count }, (_, i) =>
    aReading({
      thing_name: thing,
      message_id: `${thing}-${i}`,
      value: (i * 7) % 23,
      // From 20 minutes before the hour to 20 minutes after its end.
      received_at: hour - 20 * 60_000 + i * 37_000,
      site: i < count / 2 ? 'plant-a' : 'plant-b',
      anomaly_score: i % 5 === 0 ? (i % 10) / 10 : null,
    }),
  );

beforeAll(async () => {
  lakeDir = await mkdtemp(join(tmpdir(), 'tributary-hourly-rollups-'));
  const writer = await LakeWriter.open({ lakeDir, flushIntervalMs: 60_000 });
  for (const thing of ['pump-7', 'fan-2']) {
    writer.append('telemetry', readingsAround(thing, 160));
    await writer.flush();
  }
  await writer.close();
  // Every telemetry file of the hour delivered a second time.
  const partition = join(lakeDir, 'telemetry/year=2026/month=12/day=04/hour=07');
  for (const file of await readdir(partition)) {
    await copyFile(join(partition, file), join(partition, `again-${file}`));
  }
  duckdb = await (await DuckDBInstance.create(':memory:')).connect();
  for (const table of ['telemetry', 'telemetry_1m', 'telemetry_1h']) {
    await duckdb.run(`CREATE VIEW ${table} AS SELECT * FROM ${lakeTableSource(lakeDir, table)}`);
  }
});
afterAll(async () => {
  duckdb?.closeSync();
  await rm(lakeDir, { recursive: true, force: true });
});

describe('hourly rollups (the AWS path), run on DuckDB', () => {
  it.each(['telemetry_1m', 'telemetry_1h'] as const)(
    '%s: equal to the local writer’s rollups of that hour, with every reading delivered twice',
    async (table) => {
      const local = await combined(`(SELECT * FROM ${table} WHERE hour = '07')`);
      const fromAthenaSql = await combined(`(${hourlyRollupSelectSql(table, hour)})`);
      expect(local.length).toBeGreaterThan(table === 'telemetry_1m' ? 100 : 1);
      expect(fromAthenaSql).toEqual(local);
      // The duplicates are there, and the raw count of the hour is twice the rolled-up one.
      const [raw] = await sql(`SELECT count(*) AS n FROM telemetry WHERE hour = '07'`);
      const rolled = fromAthenaSql.reduce((sum, row) => sum + Number(row['readings']), 0);
      expect(Number(raw?.['n'])).toBe(2 * rolled);
    },
  );

  it('produces the rollup table’s columns, in its order, so UNLOAD writes files the Glue table reads', async () => {
    const described = await sql(`DESCRIBE (${hourlyRollupSelectSql('telemetry_1m', hour)})`);
    const tableColumns = await sql(`DESCRIBE (SELECT * EXCLUDE (year, month, day, hour) FROM telemetry_1m)`);
    expect(described.map((c) => c['column_name'])).toEqual(tableColumns.map((c) => c['column_name']));
  });

  it('counts what a rollup partition holds, and unloads into exactly that partition of the bucket', async () => {
    const [rows] = await sql(rolledUpRowsSql('telemetry_1h', hour));
    expect(Number(rows?.['rows'])).toBeGreaterThan(0);
    const [none] = await sql(rolledUpRowsSql('telemetry_1h', hour + 5 * 3_600_000));
    expect(Number(none?.['rows'])).toBe(0);
    expect(hourlyRollupUnloadSql('telemetry_1m', hour, 's3://lake-bucket/')).toMatch(
      /^UNLOAD \(SELECT [\s\S]+\)\nTO 's3:\/\/lake-bucket\/telemetry_1m\/year=2026\/month=12\/day=04\/hour=07\/' WITH \(format = 'PARQUET'/,
    );
  });

  it('refuses an hour start that is not on the hour', () => {
    expect(() => hourlyRollupSelectSql('telemetry_1m', hour + 1)).toThrow(RangeError);
  });
});

describe('hoursToRollUp', () => {
  const at = (h: number, m: number) => Date.UTC(2026, 11, 4, h, m);
  it('takes an hour once it has settled, and looks back over the hours before it', () => {
    expect(hoursToRollUp(at(8, 14), { settleMinutes: 15, lookbackHours: 2 })).toEqual([at(5, 0), at(6, 0)]);
    expect(hoursToRollUp(at(8, 15), { settleMinutes: 15, lookbackHours: 2 })).toEqual([at(6, 0), at(7, 0)]);
    expect(hoursToRollUp(at(8, 59), { settleMinutes: 15, lookbackHours: 1 })).toEqual([at(7, 0)]);
  });
});
