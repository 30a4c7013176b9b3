// Writes lake rows as one Parquet file through DuckDB: staged a column at a time (staged-rows.ts), then copied
// out with zstd. Shared by the publisher's worker thread, which writes the lake's new files, and the SQL that
// reads them back (the merger sorts as a file of several row groups is sorted here).
import type { DuckDBConnection } from '@duckdb/node-api';
import { allLakeTables, columnsOf, type AnyLakeTableName } from '@tributary/contracts';
import {
  createStagingTable,
  quoteIdentifier,
  selectListOf,
  stageRows,
  stagingPlanOf,
  type ColumnarRows,
} from './staged-rows.js';

// Paths are ours (lake root + partition from timestamps + uuid), never row values; rows go through the appender.
export const quoteLiteral = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** Rows per Parquet row group, DuckDB's default, named so that the writer's sorting can depend on it. */
export const rowGroupRows = 122_880;

/**
 * A file of more than one row group is sorted by thing, metric and time, so a query for one thing reads only
 * the row groups whose min/max statistics can hold it (DuckDB and Athena both skip the others).
 */
export function sortColumnsOf(table: AnyLakeTableName): string {
  const names = new Set(columnsOf(table).map((column) => column.name));
  return ['thing_name', 'metric', allLakeTables[table].partitionTime]
    .filter((name) => names.has(name))
    .map(quoteIdentifier)
    .join(', ');
}

const stagingTableOf = (table: AnyLakeTableName): string => `staging_${table}`;

/**
 * Writes rows (validated against the table's contract, laid out as its columns by `columnarRowsOf`) to `file`
 * as Parquet; one call at a time per connection.
 */
export async function writeParquetFile(
  connection: DuckDBConnection,
  table: AnyLakeTableName,
  batch: ColumnarRows,
  file: string,
): Promise<void> {
  try {
    const plan = stagingPlanOf(columnsOf(table), batch);
    await createStagingTable(connection, stagingTableOf(table), plan);
    await stageRows(connection, stagingTableOf(table), plan, batch.rowCount);
    // One row group has the same statistics in any order: sorting it would cost half the COPY's time for nothing
    // (the compactor sorts the files it merges).
    const order = batch.rowCount > rowGroupRows ? ` ORDER BY ${sortColumnsOf(table)}` : '';
    await connection.run(
      `COPY (SELECT ${selectListOf(plan)} FROM ${stagingTableOf(table)}${order}) ` +
        `TO ${quoteLiteral(file)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${rowGroupRows})`,
    );
  } finally {
    // The next write replaces the staging table anyway: a failed drop must not report a written file as
    // failed, whose rows the caller would then write again.
    await connection.run(`DROP TABLE IF EXISTS ${stagingTableOf(table)}`).catch(() => undefined);
  }
}
