// `pnpm bench query`: the dashboard's named queries over a lake of 10M readings (1,000 devices × 24 h,
// one reading every 8.64 s), as the SQL endpoint runs them — sandboxed DuckDB over hive-partitioned
// Parquet, each file sorted by thing as the LakeWriter sorts it, with the per-minute and per-hour rollups
// the store's rollupsOf computes from the same readings. Target: p50 ≤ 100 ms per query. Baseline, same
// run: the same SQL over the same rows in in-memory DuckDB tables (no files, no sandbox).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import {
  columnsOf,
  duckdbTypeOf,
  type EnrichedReading,
  type RollupTableName,
  type TelemetryRollup,
} from '@tributary/contracts';
import { bindNamedQuery, type NamedQueryName } from '@tributary/insights';
import { LakeQueryService } from '@tributary/insights/local';
import { rollupsOf, rollupTableNames } from '@tributary/store';
import { formatComparison, formatDuration, meetsTarget, summarize, type Comparison } from './measure.js';

const devices = 1_000;
const readings = 10_000_000;
const runs = 9;
const start = Date.UTC(2026, 10, 24, 0, 0, 0);
const spanMs = 24 * 3600 * 1000;

/** Telemetry rows [from, to), generated in SQL: reading i belongs to device i % 1000, at start + i × span/10M. */
const telemetryRowsSql = (from: number, to: number) => `
SELECT printf('sim-%04d', i % ${devices}) AS thing_name,
       'temperature' AS metric,
       20 + 5 * sin(i / 5000.0) + (hash(i) % 100) / 100.0 AS value,
       make_timestamp_ms(${start} + (i * ${spanMs} // ${readings})::BIGINT) AS device_time,
       make_timestamp_ms(${start} + (i * ${spanMs} // ${readings})::BIGINT + 40) AS received_at,
       'm-' || i AS message_id,
       'c-' || i AS correlation_id,
       'environment-sensor' AS thing_type,
       CASE WHEN i % 2 = 0 THEN 'plant-north' ELSE 'plant-south' END AS site,
       CAST(NULL AS DOUBLE) AS anomaly_score,
       '°C' AS unit,
       CAST(NULL AS DOUBLE) AS raw_value,
       CAST(NULL AS VARCHAR) AS location,
       CAST(NULL AS VARCHAR) AS thing_groups,
       CAST(NULL AS VARCHAR) AS firmware,
       CAST(NULL AS BIGINT) AS sequence
FROM range(${from}, ${to}) AS t(i)`;

/** Readings handed to rollupsOf at a time, as a LakeWriter flush would: buckets at the seams get two partials. */
const readingsPerRollupChunk = 400_000;

const queries: { name: NamedQueryName; params: Record<string, unknown> }[] = [
  { name: 'latest_values', params: { since: start } },
  {
    name: 'thing_series',
    params: { thing_name: 'sim-0042', metric: 'temperature', from: start, to: start + spanMs },
  },
  { name: 'fleet_series', params: { metric: 'temperature', from: start, to: start + spanMs } },
  { name: 'thing_readings', params: { thing_name: 'sim-0042', from: start, to: start + spanMs } },
];

/** What latest_values was before the rollups: for the printed comparison only. */
const latestValuesFromRawSql = `SELECT thing_name, metric, max_by(value, received_at) AS value, max(received_at) AS received_at
FROM telemetry WHERE received_at >= CAST(? AS TIMESTAMP) GROUP BY thing_name, metric ORDER BY thing_name, metric`;

async function timedRuns(run: () => Promise<unknown>): Promise<number[]> {
  await run(); // warm-up: file metadata and caches, as on a dashboard that is already open
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const startedAt = performance.now();
    await run();
    samples.push(performance.now() - startedAt);
  }
  return samples;
}

const hivePartitionColumnsOf = (timeColumn: string) =>
  `strftime(${timeColumn}, '%Y') AS year, strftime(${timeColumn}, '%m') AS month, ` +
  `strftime(${timeColumn}, '%d') AS day, strftime(${timeColumn}, '%H') AS hour`;

/** Copies an in-memory table into the lake as hive partitions, one file per hour as the lake compactor leaves a closed hour, sorted the way the LakeWriter sorts. */
export async function copyToLake(
  connection: DuckDBConnection,
  lakeDir: string,
  table: string,
  timeColumn: string,
) {
  await connection.run(`COPY (
      SELECT *, ${hivePartitionColumnsOf(timeColumn)} FROM ${table} ORDER BY thing_name, metric, ${timeColumn})
    TO '${join(lakeDir, table)}' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (year, month, day, hour))`);
}

async function writeTelemetry(connection: DuckDBConnection, lakeDir: string): Promise<void> {
  const columns = columnsOf('telemetry')
    .map((c) => `"${c.name}"`)
    .join(', ');
  await connection.run(`CREATE TABLE telemetry AS SELECT ${columns} FROM (${telemetryRowsSql(0, readings)})`);
  await copyToLake(connection, lakeDir, 'telemetry', 'received_at');
}

/** Feeds the generated readings through the store's rollupsOf in chunks and writes the partials to the lake. */
async function writeRollups(connection: DuckDBConnection, lakeDir: string): Promise<void> {
  for (const table of rollupTableNames) {
    // Timestamps are staged as epoch ms and converted once, in SQL, below.
    const staged = columnsOf(table).map(
      (c) => `"${c.name}" ${c.type === 'timestamp' ? 'BIGINT' : duckdbTypeOf(c.type)}`,
    );
    await connection.run(`CREATE TABLE ${table}_staged (${staged.join(', ')})`);
  }
  for (let from = 0; from < readings; from += readingsPerRollupChunk) {
    const rollups = rollupsOf(
      await readingsIn(connection, from, Math.min(readings, from + readingsPerRollupChunk)),
    );
    for (const table of rollupTableNames) await appendRollups(connection, `${table}_staged`, rollups[table]);
  }
  for (const table of rollupTableNames) {
    const columns = columnsOf(table).map(({ name, type }) =>
      type === 'timestamp' ? `make_timestamp_ms("${name}") AS "${name}"` : `"${name}"`,
    );
    await connection.run(`CREATE TABLE ${table} AS SELECT ${columns.join(', ')} FROM ${table}_staged`);
    await connection.run(`DROP TABLE ${table}_staged`);
    await copyToLake(connection, lakeDir, table, 'bucket_start');
  }
}

/** Readings [from, to) as the LakeWriter hands them to rollupsOf, read column-wise (row objects are 8× slower). */
async function readingsIn(
  connection: DuckDBConnection,
  from: number,
  to: number,
): Promise<EnrichedReading[]> {
  const reader = await connection.runAndReadAll(
    `SELECT thing_name, metric, value, epoch_ms(received_at)::DOUBLE AS received_at, thing_type, site, anomaly_score
     FROM (${telemetryRowsSql(from, to)})`,
  );
  const columns = reader.getColumnsObjectJS() as Record<string, (string | number | null)[]>;
  const column = <T>(name: string) => columns[name] as T[];
  const [things, metrics, values, receivedAts] = [
    column<string>('thing_name'),
    column<string>('metric'),
    column<number>('value'),
    column<number>('received_at'),
  ];
  const [thingTypes, sites, scores] = [
    column<string | null>('thing_type'),
    column<string | null>('site'),
    column<number | null>('anomaly_score'),
  ];
  return things.map((thing_name, i) => ({
    thing_name,
    metric: metrics[i] as string,
    value: values[i] as number,
    device_time: receivedAts[i] as number,
    received_at: receivedAts[i] as number,
    // Not read by rollupsOf; the lake's copies of these columns come from the SQL above.
    message_id: '',
    correlation_id: '',
    thing_type: thingTypes[i] ?? null,
    site: sites[i] ?? null,
    anomaly_score: scores[i] ?? null,
    unit: null,
    raw_value: null,
    location: null,
    thing_groups: null,
    firmware: null,
    sequence: null,
  }));
}

async function appendRollups(connection: DuckDBConnection, table: string, rows: readonly TelemetryRollup[]) {
  const appender = await connection.createAppender(table);
  try {
    for (const row of rows) {
      appender.appendVarchar(row.thing_name);
      appender.appendVarchar(row.metric);
      appender.appendBigInt(BigInt(row.bucket_start));
      appender.appendBigInt(BigInt(row.reading_count));
      appender.appendDouble(row.value_sum);
      appender.appendDouble(row.value_min);
      appender.appendDouble(row.value_max);
      appender.appendDouble(row.last_value);
      appender.appendBigInt(BigInt(row.last_received_at));
      if (row.max_anomaly_score === null) appender.appendNull();
      else appender.appendDouble(row.max_anomaly_score);
      appendNullableVarchar(appender, row.thing_type);
      appendNullableVarchar(appender, row.site);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

type Appender = Awaited<ReturnType<DuckDBConnection['createAppender']>>;
const appendNullableVarchar = (appender: Appender, value: string | null) =>
  value === null ? appender.appendNull() : appender.appendVarchar(value);

async function partialRowsOf(connection: DuckDBConnection, table: RollupTableName): Promise<string> {
  const reader = await connection.runAndReadAll(`SELECT count(*) AS n FROM ${table}`);
  return Number(reader.getRowObjectsJS()[0]?.['n']).toLocaleString('en');
}

const secondsSince = (startedAt: number) => `${((performance.now() - startedAt) / 1000).toFixed(1)} s`;

export async function timedOnLakeAndInMemory(
  service: LakeQueryService,
  baseline: DuckDBConnection,
  sql: string,
  params: readonly string[],
): Promise<{ lakeMs: number; inMemoryMs: number }> {
  const lake = summarize(await timedRuns(() => service.query(sql, params)));
  const inMemory = summarize(
    await timedRuns(async () => {
      const prepared = await baseline.prepare(sql);
      prepared.bind([...params]);
      await prepared.runAndReadAll();
    }),
  );
  return { lakeMs: lake.p50, inMemoryMs: inMemory.p50 };
}

export async function query(): Promise<boolean> {
  const lakeDir = await mkdtemp(join(tmpdir(), 'tributary-bench-lake-'));
  const baseline = await (await DuckDBInstance.create(':memory:')).connect();
  try {
    const generatedAt = performance.now();
    await writeTelemetry(baseline, lakeDir);
    console.log(
      `query: ${readings.toLocaleString('en')} readings of ${devices} devices over 24 h, written as hive-partitioned ` +
        `Parquet sorted by thing in ${secondsSince(generatedAt)}; p50 of ${runs} runs after a warm-up`,
    );
    const rolledUpAt = performance.now();
    await writeRollups(baseline, lakeDir);
    console.log(
      `  rollups: rollupsOf over ${(readingsPerRollupChunk / 1000).toFixed(0)}k-reading chunks → ` +
        `${await partialRowsOf(baseline, 'telemetry_1m')} per-minute and ${await partialRowsOf(baseline, 'telemetry_1h')} ` +
        `per-hour partial rows, computed and written in ${secondsSince(rolledUpAt)}`,
    );
    const service = await LakeQueryService.open({ lakeDir, maxRows: 100_000 });
    const comparisons: Comparison[] = [];
    let latestFromRaw: { lakeMs: number; inMemoryMs: number };
    try {
      for (const { name, params } of queries) {
        const bound = bindNamedQuery(name, params);
        const { lakeMs, inMemoryMs } = await timedOnLakeAndInMemory(
          service,
          baseline,
          bound.sql,
          bound.params,
        );
        comparisons.push({ label: `${name}, p50`, valueMs: lakeMs, baselineMs: inMemoryMs, targetMs: 100 });
      }
      const since = bindNamedQuery('latest_values', { since: start }).params.slice(0, 1);
      latestFromRaw = await timedOnLakeAndInMemory(service, baseline, latestValuesFromRawSql, since);
    } finally {
      await service.close();
    }
    console.log('  baseline: the same SQL over the same rows in in-memory DuckDB tables');
    for (const comparison of comparisons) console.log(`  ${formatComparison(comparison)}`);
    console.log(
      `  for comparison, latest_values over the raw telemetry table: ${formatDuration(latestFromRaw.lakeMs)} ` +
        `(in memory ${formatDuration(latestFromRaw.inMemoryMs)})`,
    );
    return comparisons.every(meetsTarget);
  } finally {
    baseline.closeSync();
    await rm(lakeDir, { recursive: true, force: true });
  }
}
