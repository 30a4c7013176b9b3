// Lake fixtures for the tests: contract rows, written as real Parquet files by DuckDB in the lake's
// hive layout (contracts/lake.ts), the way the store's LakeWriter lays them out.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  columnsOf,
  duckdbTypeOf,
  partitionPathFor,
  type AnomalyEvent,
  type EnrichedReading,
  type LakeColumn,
  type QuarantineRecord,
  type RollupTableName,
  type StreamedLakeTableName,
  type TelemetryRollup,
} from '@tributary/contracts';
import { rollupsOf } from '@tributary/store';
import { quoteIdentifier, quoteLiteral } from '../src/core/index.js';

export { aQuarantineRecord, aReading, anAnomaly, receivedAt } from '@tributary/contracts/testing';

/** A fresh directory under the OS temp dir; remove it with removeDir. */
export const makeTempDir = (prefix: string): Promise<string> =>
  mkdtemp(join(tmpdir(), `tributary-${prefix}-`));
export const removeDir = (dir: string): Promise<void> => rm(dir, { recursive: true, force: true });

type LakeRowOf = { telemetry: EnrichedReading; anomalies: AnomalyEvent; quarantine: QuarantineRecord };

/**
 * Writes rows as one Parquet file per partition (by received_at), named `fileName`; returns the paths.
 * Telemetry also gets its rollup partials, as the LakeWriter publishes them in the same flush.
 */
export async function writeLakeRows<T extends StreamedLakeTableName>(
  lakeDir: string,
  table: T,
  rows: readonly LakeRowOf[T][],
  fileName = 'part-00000.parquet',
): Promise<string[]> {
  if (table === 'telemetry') {
    const rollups = rollupsOf(rows as readonly EnrichedReading[]);
    for (const rollupTable of Object.keys(rollups) as RollupTableName[]) {
      await writeRollupRows(lakeDir, rollupTable, rollups[rollupTable], fileName);
    }
  }
  const byPartition = new Map<string, LakeRowOf[T][]>();
  for (const row of rows) {
    const partition = partitionPathFor(table, row.received_at);
    byPartition.set(partition, [...(byPartition.get(partition) ?? []), row]);
  }
  const paths: string[] = [];
  for (const [partition, partitionRows] of byPartition) {
    await mkdir(join(lakeDir, partition), { recursive: true });
    const path = join(lakeDir, partition, fileName);
    await writeParquet(path, columnsOf(table), partitionRows as unknown as Record<string, unknown>[]);
    paths.push(path);
  }
  return paths;
}

async function writeRollupRows(
  lakeDir: string,
  table: RollupTableName,
  rows: readonly TelemetryRollup[],
  fileName: string,
): Promise<void> {
  const byPartition = new Map<string, TelemetryRollup[]>();
  for (const row of rows) {
    const partition = partitionPathFor(table, row.bucket_start);
    byPartition.set(partition, [...(byPartition.get(partition) ?? []), row]);
  }
  for (const [partition, partitionRows] of byPartition) {
    await mkdir(join(lakeDir, partition), { recursive: true });
    await writeParquet(join(lakeDir, partition, fileName), columnsOf(table), partitionRows);
  }
}

/** Writes rows with the given columns to one Parquet file at `path`. */
export async function writeParquet(
  path: string,
  columns: readonly LakeColumn[],
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    // One VALUES list (DuckDB plans it far faster than a UNION ALL per row), cast to the contract's types.
    const placeholders = `(${columns.map(() => '?').join(', ')})`;
    const aliases = columns.map((_, index) => `c${index}`);
    const select =
      `SELECT ${columns.map((column, index) => valueExpressionOf(column, aliases[index]!)).join(', ')} ` +
      `FROM (VALUES ${rows.map(() => placeholders).join(', ')}) AS v(${aliases.join(', ')})`;
    const params = rows.flatMap((row) => columns.map((c) => valueOf(c, row[c.name])));
    await connection.run(`COPY (${select}) TO ${quoteLiteral(path)} (FORMAT parquet)`, params);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

// Bound as text so every row of a VALUES column has one type whatever its value (or NULL).
const valueOf = (column: LakeColumn, value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);

function valueExpressionOf(column: LakeColumn, alias: string): string {
  const value = column.type === 'timestamp' ? `epoch_ms(CAST(${alias} AS BIGINT))` : alias;
  return `CAST(${value} AS ${duckdbTypeOf(column.type)}) AS ${quoteIdentifier(column.name)}`;
}
