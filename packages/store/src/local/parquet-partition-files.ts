// Writes and reads the Parquet files of one lake partition through DuckDB. Publishing is atomic: DuckDB
// writes a temp name the lake's glob never matches, which is fsynced and renamed (faults catalogue #23).
import { randomUUID } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { columnsOf, type AnyLakeTableName, type LakeTableName } from '@tributary/contracts';
import {
  dataFileName,
  keyColumnsOf,
  LakeWriterError,
  temporaryNameOf,
  type AnyLakeRow,
  type LakeRow,
} from '../core/index.js';
import { quoteLiteral } from './parquet-file-writing.js';
import { ParquetPublisher, PublishError } from './parquet-publisher.js';
import {
  columnarRowsOf,
  createStagingTable,
  quoteIdentifier,
  selectListOf,
  stageRows,
  stagingPlanOf,
} from './staged-rows.js';

const candidateKeysTableOf = (table: LakeTableName): string => `candidate_keys_${table}`;

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
    private readonly publisher: ParquetPublisher,
  ) {}

  static async open(lakeDir: string): Promise<ParquetPartitionFiles> {
    // The writer reads files only to confirm keys: caching their contents would hold memory for nothing.
    const instance = await DuckDBInstance.create(':memory:', { enable_external_file_cache: 'false' });
    const connection = await instance.connect();
    return new ParquetPartitionFiles(resolve(lakeDir), instance, connection, ParquetPublisher.start());
  }

  /**
   * Writes rows as one new Parquet file in the partition and returns its path once it is visible. The file is
   * written and renamed on the publisher's worker thread, one publish at a time.
   */
  async publish(
    table: AnyLakeTableName,
    partitionPath: string,
    rows: readonly AnyLakeRow[],
  ): Promise<string> {
    const directory = this.directoryOf(partitionPath);
    const dataFile = join(directory, dataFileName(Date.now(), randomUUID()));
    const temporaryFile = temporaryNameOf(dataFile);
    try {
      const batch = columnarRowsOf(columnsOf(table), rows);
      await this.publisher.publish({
        table,
        batch,
        temporaryFile,
        dataFile,
        syncFrom: directory,
        syncUpTo: this.lakeDir,
      });
      return dataFile;
    } catch (error) {
      const renamed = error instanceof PublishError && error.renamed;
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
    const keyColumns = columnsOf(table).filter((column) => keyColumnNames.has(column.name));
    const plan = stagingPlanOf(keyColumns, columnarRowsOf(keyColumns, rows));
    const candidates = candidateKeysTableOf(table);
    try {
      await createStagingTable(this.connection, candidates, plan);
      await stageRows(this.connection, candidates, plan, rows.length);
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
    this.publisher.close();
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
