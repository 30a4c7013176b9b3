// Writes and reads the Parquet files of one lake partition through DuckDB. Publishing is atomic: DuckDB
// writes a temp name the lake's glob never matches, which is fsynced and renamed (faults catalogue #23).
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import {
  DuckDBConnection,
  DuckDBInstance,
  timestampMillisValue,
  type DuckDBAppender,
} from '@duckdb/node-api';
import {
  allLakeTables,
  columnsOf,
  duckdbTypeOf,
  type AnyLakeTableName,
  type LakeTableName,
  type LakeType,
} from '@tributary/contracts';
import {
  dataFileName,
  keyColumnsOf,
  lakeTableNames,
  LakeWriterError,
  temporaryNameOf,
  type AnyLakeRow,
} from '../core/index.js';
import { syncDirectories, syncFile } from './durable-files.js';

const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;
// Paths are ours (lake root + partition from timestamps + uuid), never row values; rows go through the appender.
export const quoteLiteral = (text: string): string => `'${text.replaceAll("'", "''")}'`;
const stagingTableOf = (table: AnyLakeTableName): string => quoteIdentifier(`staging_${table}`);

/**
 * Each file is sorted by thing, metric and time, so a query for one thing reads only the row groups whose
 * min/max statistics can hold it (DuckDB and Athena both skip the others).
 */
export function sortColumnsOf(table: AnyLakeTableName): string {
  const names = new Set(columnsOf(table).map((column) => column.name));
  return ['thing_name', 'metric', allLakeTables[table].partitionTime]
    .filter((name) => names.has(name))
    .map(quoteIdentifier)
    .join(', ');
}

export class ParquetPartitionFiles {
  private constructor(
    private readonly lakeDir: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(lakeDir: string): Promise<ParquetPartitionFiles> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    for (const table of lakeTableNames) {
      const columns = columnsOf(table).map((c) => `${quoteIdentifier(c.name)} ${duckdbTypeOf(c.type)}`);
      await connection.run(`CREATE TEMP TABLE ${stagingTableOf(table)} (${columns.join(', ')})`);
    }
    return new ParquetPartitionFiles(resolve(lakeDir), instance, connection);
  }

  /** Writes rows as one new Parquet file in the partition and returns its path once it is visible. */
  async publish(
    table: AnyLakeTableName,
    partitionPath: string,
    rows: readonly AnyLakeRow[],
  ): Promise<string> {
    const directory = this.directoryOf(partitionPath);
    const dataFile = join(directory, dataFileName(Date.now(), randomUUID()));
    const temporaryFile = temporaryNameOf(dataFile);
    const firstCreated = await mkdir(directory, { recursive: true });
    let renamed = false;
    try {
      await this.stage(table, rows);
      await this.connection.run(
        `COPY (SELECT * FROM ${stagingTableOf(table)} ORDER BY ${sortColumnsOf(table)}) ` +
          `TO ${quoteLiteral(temporaryFile)} (FORMAT parquet, COMPRESSION zstd)`,
      );
      await syncFile(temporaryFile);
      await rename(temporaryFile, dataFile);
      renamed = true;
      await syncDirectories(directory, firstCreated ? dirname(firstCreated) : directory);
      return dataFile;
    } catch (error) {
      // A truncated temp file is invisible to readers, but it would still use the space that ran out. A file
      // renamed but not made durable is withdrawn too: the caller keeps its rows, and the retry rewrites them.
      await rm(renamed ? dataFile : temporaryFile, { force: true });
      throw error;
    } finally {
      await this.connection.run(`DELETE FROM ${stagingTableOf(table)}`);
    }
  }

  /** The idempotency-key columns of every row already written in the partition (none if it is new). */
  async readKeyColumns(table: LakeTableName, partitionPath: string): Promise<Record<string, unknown>[]> {
    const directory = this.directoryOf(partitionPath);
    const files = await readdir(directory).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    if (!files.some((file) => file.endsWith('.parquet'))) return [];
    const columns = keyColumnsOf(table).map(quoteIdentifier).join(', ');
    const glob = quoteLiteral(join(directory, '*.parquet'));
    const reader = await this.connection.runAndReadAll(`SELECT ${columns} FROM read_parquet(${glob})`);
    return reader.getRowObjectsJS();
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private directoryOf(partitionPath: string): string {
    const directory = resolve(this.lakeDir, partitionPath);
    const inside = relative(this.lakeDir, directory);
    if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
      throw new LakeWriterError(
        'UNSAFE_PATH',
        `Partition "${partitionPath}" resolves outside the lake ${this.lakeDir}; partition paths must come ` +
          'from partitionPathFor() in @tributary/contracts.',
      );
    }
    return directory;
  }

  private async stage(table: AnyLakeTableName, rows: readonly AnyLakeRow[]): Promise<void> {
    const columns = columnsOf(table);
    const appender = await this.connection.createAppender(`staging_${table}`);
    try {
      for (const row of rows) {
        for (const column of columns) {
          appendValue(appender, column.type, (row as Record<string, unknown>)[column.name]);
        }
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }
}

/** Rows are validated against the contract before they get here, so each value has its column's JS type. */
function appendValue(appender: DuckDBAppender, type: LakeType, value: unknown): void {
  if (value === null || value === undefined) return appender.appendNull();
  switch (type) {
    case 'string':
      return appender.appendVarchar(value as string);
    case 'double':
      return appender.appendDouble(value as number);
    case 'bigint':
      return appender.appendBigInt(BigInt(value as number));
    case 'boolean':
      return appender.appendBoolean(value as boolean);
    case 'timestamp':
      return appender.appendTimestampMilliseconds(timestampMillisValue(BigInt(value as number)));
  }
}
