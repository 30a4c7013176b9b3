// `pnpm bench query`: the dashboard's named queries over a lake of 10M readings (1,000 devices × 24 h,
// one reading every 8.64 s), as the SQL endpoint runs them — sandboxed DuckDB over hive-partitioned
// Parquet. Target: p50 ≤ 100 ms per query. Baseline, same run: the same SQL over the same rows in an
// in-memory DuckDB table (no files, no sandbox).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { columnsOf } from '@tributary/contracts';
import { bindNamedQuery, type NamedQueryName } from '@tributary/insights';
import { LakeQueryService } from '@tributary/insights/local';
import { formatComparison, meetsTarget, summarize, type Comparison } from './measure.js';

const devices = 1_000;
const readings = 10_000_000;
const runs = 9;
const start = Date.UTC(2026, 10, 24, 0, 0, 0);
const spanMs = 24 * 3600 * 1000;

/** The telemetry rows, generated in SQL: reading i belongs to device i % 1000, at start + i × span/10M. */
const telemetryRowsSql = `
SELECT printf('sim-%04d', i % ${devices}) AS thing_name,
       'temperature' AS metric,
       20 + 5 * sin(i / 5000.0) + (hash(i) % 100) / 100.0 AS value,
       make_timestamp_ms(${start} + (i * ${spanMs} // ${readings})::BIGINT) AS device_time,
       make_timestamp_ms(${start} + (i * ${spanMs} // ${readings})::BIGINT + 40) AS received_at,
       'm-' || i AS message_id,
       'c-' || i AS correlation_id,
       'environment-sensor' AS thing_type,
       CASE WHEN i % 2 = 0 THEN 'plant-north' ELSE 'plant-south' END AS site,
       CAST(NULL AS DOUBLE) AS anomaly_score
FROM range(${readings}) AS t(i)`;

const queries: { name: NamedQueryName; params: Record<string, unknown> }[] = [
  { name: 'latest_values', params: { since: start } },
  { name: 'thing_readings', params: { thing_name: 'sim-0042', from: start, to: start + spanMs } },
];

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

async function writeLake(connection: DuckDBConnection, lakeDir: string): Promise<void> {
  const columns = columnsOf('telemetry')
    .map((c) => `"${c.name}"`)
    .join(', ');
  await connection.run(`CREATE TABLE telemetry AS SELECT ${columns} FROM (${telemetryRowsSql})`);
  await connection.run(`COPY (
      SELECT *, strftime(received_at, '%Y') AS year, strftime(received_at, '%m') AS month,
             strftime(received_at, '%d') AS day, strftime(received_at, '%H') AS hour
      FROM telemetry)
    TO '${join(lakeDir, 'telemetry')}' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (year, month, day, hour))`);
}

export async function query(): Promise<boolean> {
  const lakeDir = await mkdtemp(join(tmpdir(), 'tributary-bench-lake-'));
  const baseline = await (await DuckDBInstance.create(':memory:')).connect();
  try {
    const generatedAt = performance.now();
    await writeLake(baseline, lakeDir);
    console.log(
      `query: ${readings.toLocaleString('en')} readings of ${devices} devices over 24 h, written as hive-partitioned ` +
        `Parquet in ${((performance.now() - generatedAt) / 1000).toFixed(1)} s; p50 of ${runs} runs after a warm-up`,
    );
    const service = await LakeQueryService.open({ lakeDir, maxRows: 100_000 });
    const comparisons: Comparison[] = [];
    try {
      for (const { name, params } of queries) {
        const bound = bindNamedQuery(name, params);
        const lake = summarize(await timedRuns(() => service.query(bound.sql, bound.params)));
        const inMemory = summarize(
          await timedRuns(async () => {
            const prepared = await baseline.prepare(bound.sql);
            prepared.bind(bound.params);
            await prepared.runAndReadAll();
          }),
        );
        comparisons.push({
          label: `${name}, p50`,
          valueMs: lake.p50,
          baselineMs: inMemory.p50,
          targetMs: 100,
        });
      }
    } finally {
      await service.close();
    }
    console.log('  baseline: the same SQL over the same rows in an in-memory DuckDB table');
    for (const comparison of comparisons) console.log(`  ${formatComparison(comparison)}`);
    return comparisons.every(meetsTarget);
  } finally {
    baseline.closeSync();
    await rm(lakeDir, { recursive: true, force: true });
  }
}
