// Measures, before a query runs, the bytes its Parquet scans will read. DuckDB plans the statement with
// its parameter values, which prunes hive partitions as the run does and names the files and columns each
// scan reads; the sizes of those files' footers and column chunks come from their Parquet metadata.
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  bytesScannedBy,
  plannedReadsOf,
  quoteLiteral,
  withParameterValues,
  type BoundParameter,
  type ParquetFileBytes,
} from '../core/index.js';
import { explainedStatementOf } from './read-only-statement.js';

/** Files whose sizes stay cached: about 1 KiB each. */
const maxCachedFiles = 10_000;
/** Files per parquet_metadata call, so the SQL text of a query over many files stays small. */
const filesPerMetadataRead = 500;

export class ScanBytesMeter {
  /**
   * Sizes by file path, least recently used first. A path's sizes never change: lake files are written
   * once under a new name and compaction replaces them with new files, never rewrites them.
   */
  private readonly fileBytes = new Map<string, ParquetFileBytes>();

  /**
   * The footers and compressed column chunks the statement's Parquet scans will read: an upper bound of
   * what DuckDB reads, as row groups its statistics skip and rows a LIMIT never reaches still count.
   * Undefined when DuckDB cannot plan the statement for it (SUMMARIZE) or it reads files another way
   * (read_text, read_csv …).
   */
  async bytesToScan(
    connection: DuckDBConnection,
    sql: string,
    params: readonly BoundParameter[],
  ): Promise<number | undefined> {
    const explained = explainedStatementOf(sql);
    if (explained && !explained.runs) return 0;
    const plan = await planOf(connection, explained?.statement ?? sql, params);
    if (plan === undefined) return undefined;
    const reads = plannedReadsOf(plan);
    if (reads.unmeasuredReads.length > 0) return undefined;
    const files = await this.fileBytesOf(connection, [
      ...new Set(reads.parquetScans.flatMap((s) => s.files)),
    ]);
    return bytesScannedBy(reads.parquetScans, (file) => files.get(file) ?? noBytes);
  }

  private async fileBytesOf(
    connection: DuckDBConnection,
    files: readonly string[],
  ): Promise<Map<string, ParquetFileBytes>> {
    const found = new Map<string, ParquetFileBytes>();
    const missing: string[] = [];
    for (const file of files) {
      const cached = this.fileBytes.get(file);
      if (!cached) {
        missing.push(file);
        continue;
      }
      found.set(file, cached);
      this.fileBytes.delete(file);
      this.fileBytes.set(file, cached);
    }
    for (let start = 0; start < missing.length; start += filesPerMetadataRead) {
      const read = await readFileBytes(connection, missing.slice(start, start + filesPerMetadataRead));
      for (const [file, bytes] of read) {
        found.set(file, bytes);
        this.fileBytes.set(file, bytes);
      }
    }
    for (const oldest of this.fileBytes.keys()) {
      if (this.fileBytes.size <= maxCachedFiles) break;
      this.fileBytes.delete(oldest);
    }
    return found;
  }
}

const noBytes: ParquetFileBytes = { footerBytes: 0, columnBytes: new Map() };

/**
 * `json_serialize_plan(…, optimize := true)` of the statement with its parameter values in place: the
 * optimizer's partition pruning leaves only the files the run opens. Undefined when it cannot plan it.
 * https://duckdb.org/docs/stable/data/json/sql_to_and_from_json
 */
async function planOf(
  connection: DuckDBConnection,
  sql: string,
  params: readonly BoundParameter[],
): Promise<unknown> {
  const statement = quoteLiteral(sql);
  if (params.length > 0) {
    const serialized = String(await singleValueOf(connection, `SELECT json_serialize_sql(${statement})`));
    // It serializes SELECTs only; a statement it cannot parse back plans with its placeholders, unpruned.
    if (!(JSON.parse(serialized) as { error: boolean }).error) {
      const withValues = `json_deserialize_sql(${quoteLiteral(withParameterValues(serialized, params))})`;
      try {
        return await serializedPlanOf(connection, withValues);
      } catch (error) {
        // A value DuckDB's JSON cannot carry back (a lone UTF-16 surrogate): plan unpruned, never less.
        if (/INTERRUPT/i.test(String(error))) throw error;
      }
    }
  }
  return serializedPlanOf(connection, statement);
}

async function serializedPlanOf(connection: DuckDBConnection, statementSql: string): Promise<unknown> {
  const plan = JSON.parse(
    String(await singleValueOf(connection, `SELECT json_serialize_plan(${statementSql}, optimize := true)`)),
  ) as { error?: boolean };
  return plan.error ? undefined : plan;
}

async function readFileBytes(
  connection: DuckDBConnection,
  files: readonly string[],
): Promise<Map<string, ParquetFileBytes>> {
  const list = `[${files.map(quoteLiteral).join(', ')}]`;
  // A NULL column marks the footer's row; path_in_schema names a nested leaf `thing_groups, list, element`.
  const reader = await connection.runAndReadAll(
    `SELECT file_name, NULL AS column_name, footer_size AS bytes FROM parquet_file_metadata(${list})
     UNION ALL
     SELECT file_name, split_part(path_in_schema, ', ', 1), sum(total_compressed_size)
     FROM parquet_metadata(${list}) GROUP BY ALL`,
  );
  const byFile = new Map<string, { footerBytes: number; columnBytes: Map<string, number> }>();
  for (const [file, column, bytes] of reader.getRowsJS() as [string, string | null, bigint | number][]) {
    const entry = byFile.get(file) ?? { footerBytes: 0, columnBytes: new Map<string, number>() };
    byFile.set(file, entry);
    if (column === null) entry.footerBytes = Number(bytes);
    else entry.columnBytes.set(column, (entry.columnBytes.get(column) ?? 0) + Number(bytes));
  }
  return byFile;
}

async function singleValueOf(connection: DuckDBConnection, sql: string): Promise<unknown> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowsJS()[0]?.[0];
}
