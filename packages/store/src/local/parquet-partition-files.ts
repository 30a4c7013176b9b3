// Writes and reads the Parquet files of one lake partition through DuckDB. Publishing is atomic: DuckDB
// writes a temp name the lake's glob never matches, which is fsynced and renamed (faults catalogue #23).
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { allLakeTables, columnsOf, type AnyLakeTableName, type LakeTableName } from '@tributary/contracts';
import {
  dataFileName,
  keyColumnsOf,
  LakeWriterError,
  temporaryNameOf,
  type AnyLakeRow,
  type LakeRow,
} from '../core/index.js';
import { DurableRenameError, DurableRenamer } from './durable-renamer.js';
import {
  createStagingTable,
  quoteIdentifier,
  selectListOf,
  stageRows,
  stagingPlanOf,
} from './staged-rows.js';

// Paths are ours (lake root + partition from timestamps + uuid), never row values; rows go through the appender.
export const quoteLiteral = (text: string): string => `'${text.replaceAll("'", "''")}'`;
const stagingTableOf = (table: AnyLakeTableName): string => `staging_${table}`;
const candidateKeysTableOf = (table: LakeTableName): string => `candidate_keys_${table}`;

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

/**
 * A publish failed after its file became visible, and the file could not be withdrawn: readers may see its
 * rows although the caller was told they were not written.
 */
export class FileLeftVisibleError extends Error {
  constructor(
    readonly dataFile: string,
    cause: unknown,
  ) {
    super(`${String(cause)} (and ${dataFile}, already visible, could not be removed)`, { cause });
  }
}

export class ParquetPartitionFiles {
  /** The end of the statements queued on the connection: see withConnection. */
  private connectionTurn: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly lakeDir: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly renamer: DurableRenamer,
  ) {}

  static async open(lakeDir: string): Promise<ParquetPartitionFiles> {
    // The writer reads files only to confirm keys: caching their contents would hold memory for nothing.
    const instance = await DuckDBInstance.create(':memory:', { enable_external_file_cache: 'false' });
    const connection = await instance.connect();
    return new ParquetPartitionFiles(resolve(lakeDir), instance, connection, DurableRenamer.start());
  }

  /**
   * Writes rows as one new Parquet file in the partition and returns its path once it is visible. Publishes
   * may overlap: each holds the DuckDB connection only to write its temp file, not through its fsyncs.
   */
  async publish(
    table: AnyLakeTableName,
    partitionPath: string,
    rows: readonly AnyLakeRow[],
  ): Promise<string> {
    const directory = this.directoryOf(partitionPath);
    const dataFile = join(directory, dataFileName(Date.now(), randomUUID()));
    const temporaryFile = temporaryNameOf(dataFile);
    const firstCreated = await mkdir(directory, { recursive: true });
    try {
      await this.withConnection(() => this.writeTemporaryFile(table, rows, temporaryFile));
      const syncUpTo = firstCreated ? dirname(firstCreated) : directory;
      await this.renamer.publish(temporaryFile, dataFile, directory, syncUpTo);
      return dataFile;
    } catch (error) {
      const renamed = error instanceof DurableRenameError && error.renamed;
      // A truncated temp file is invisible to readers, but it would still use the space that ran out. A file
      // renamed but not made durable is withdrawn too: the caller keeps its rows, and the retry rewrites them.
      const withdrawn = await rm(renamed ? dataFile : temporaryFile, { force: true }).then(
        () => true,
        () => !renamed,
      );
      if (!withdrawn) throw new FileLeftVisibleError(dataFile, error);
      throw error;
    }
  }

  private async writeTemporaryFile(
    table: AnyLakeTableName,
    rows: readonly AnyLakeRow[],
    temporaryFile: string,
  ): Promise<void> {
    try {
      const plan = stagingPlanOf(columnsOf(table), rows);
      await createStagingTable(this.connection, stagingTableOf(table), plan);
      await stageRows(this.connection, stagingTableOf(table), plan, rows);
      // One row group has the same statistics in any order: sorting it would cost half the COPY's time for nothing
      // (the compactor sorts the files it merges).
      const order = rows.length > rowGroupRows ? ` ORDER BY ${sortColumnsOf(table)}` : '';
      await this.connection.run(
        `COPY (SELECT ${selectListOf(plan)} FROM ${stagingTableOf(table)}${order}) ` +
          `TO ${quoteLiteral(temporaryFile)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${rowGroupRows})`,
      );
    } finally {
      // The next publish replaces the staging table anyway: a failed drop must not report a published file as
      // failed, whose rows the caller would then write again.
      await this.connection.run(`DROP TABLE IF EXISTS ${stagingTableOf(table)}`).catch(() => undefined);
    }
  }

  /**
   * Passes `visit` the idempotency-key columns of every row already written in the partition, one DuckDB chunk
   * of rows (2,048) at a time, so that millions of keys never exist as JS rows at once; returns how many rows
   * that was. When the partition holds more than `atMost` rows it reads none and returns undefined. Throws if
   * the stream ends early: DuckDB's node bindings end a stream whose scan failed (an I/O
   * error, a damaged file) as if it were complete, and a partial set of keys held as complete would let a
   * redelivered row be written twice.
   */
  readKeyColumns(
    table: LakeTableName,
    partitionPath: string,
    atMost: number,
    visit: (keyRows: readonly Record<string, unknown>[]) => void,
  ): Promise<number | undefined> {
    return this.withConnection(() => this.streamKeyColumns(table, partitionPath, atMost, visit));
  }

  private async streamKeyColumns(
    table: LakeTableName,
    partitionPath: string,
    atMost: number,
    visit: (keyRows: readonly Record<string, unknown>[]) => void,
  ): Promise<number | undefined> {
    const files = await this.filesIn([partitionPath]);
    if (files === null) return 0;
    const count = await this.connection.runAndReadAll(
      `SELECT count(*) AS n FROM read_parquet(${files}, union_by_name = true)`,
    );
    const rowsInFiles = Number(count.getRowObjectsJS()[0]?.['n']);
    if (rowsInFiles > atMost) return undefined;
    const columns = keyColumnsOf(table).map(quoteIdentifier).join(', ');
    const result = await this.connection.stream(
      `SELECT ${columns} FROM read_parquet(${files}, union_by_name = true)`,
    );
    let rows = 0;
    for await (const keyRows of result.yieldRowObjectJs()) {
      visit(keyRows);
      rows += keyRows.length;
    }
    if (rows !== rowsInFiles) {
      throw new Error(
        `Reading the written keys of ${partitionPath} ended after ${rows} of its ${rowsInFiles} rows; ` +
          'the scan failed, so the flush is retried.',
      );
    }
    return rows;
  }

  /**
   * The indexes of those `rows` whose idempotency key rows in the partitions' files already have: how a
   * partition with too many rows to remember is checked. It costs a scan of the key columns of every file
   * of the partitions, in DuckDB, and the staging of the rows' key columns.
   */
  indexesOfRowsAlreadyIn<T extends LakeTableName>(
    table: T,
    partitionPaths: readonly string[],
    rows: readonly LakeRow<T>[],
  ): Promise<Set<number>> {
    return this.withConnection(() => this.semiJoinKeys(table, partitionPaths, rows));
  }

  private async semiJoinKeys<T extends LakeTableName>(
    table: T,
    partitionPaths: readonly string[],
    rows: readonly LakeRow<T>[],
  ): Promise<Set<number>> {
    const files = await this.filesIn(partitionPaths);
    if (files === null || rows.length === 0) return new Set();
    const keyColumnNames = new Set(keyColumnsOf(table));
    const plan = stagingPlanOf(
      columnsOf(table).filter((column) => keyColumnNames.has(column.name)),
      rows,
    );
    const candidates = candidateKeysTableOf(table);
    try {
      await createStagingTable(this.connection, candidates, plan);
      await stageRows(this.connection, candidates, plan, rows);
      const matching = [...keyColumnNames]
        .map(quoteIdentifier)
        .map((name) => `candidate.${name} IS NOT DISTINCT FROM written.${name}`)
        .join(' AND ');
      // A fresh table filled by appends only numbers its rows 0, 1, … in the order they were appended.
      const reader = await this.connection.runAndReadAll(
        `SELECT candidate.row_index FROM (SELECT rowid AS row_index, ${selectListOf(plan)} FROM ${candidates}) ` +
          `AS candidate SEMI JOIN read_parquet(${files}, union_by_name = true) AS written ON ${matching}`,
      );
      return new Set(reader.getColumnsObjectJS()['row_index']?.map(Number));
    } finally {
      await this.connection.run(`DROP TABLE IF EXISTS ${candidates}`);
    }
  }

  /** One caller's statements at a time on the connection (staging tables are per table, not per call). */
  private withConnection<T>(work: () => Promise<T>): Promise<T> {
    const result = this.connectionTurn.then(work);
    this.connectionTurn = result.catch(() => undefined);
    return result;
  }

  close(): void {
    this.renamer.close();
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

  /** A DuckDB list of the partitions' Parquet globs, or null when none of them has a published file. */
  private async filesIn(partitionPaths: readonly string[]): Promise<string | null> {
    const globs: string[] = [];
    for (const partitionPath of partitionPaths) {
      const directory = this.directoryOf(partitionPath);
      const files = await readdir(directory).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [];
        throw error;
      });
      if (files.some((file) => file.endsWith('.parquet')))
        globs.push(quoteLiteral(join(directory, '*.parquet')));
    }
    return globs.length === 0 ? null : `[${globs.join(', ')}]`;
  }
}
