// Merges Parquet files of one partition into one, sorted as the writer sorts each file, through a DuckDB of
// its own that spills a large sort to disk instead of growing the process the platform shares.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { AnyLakeTableName } from '@tributary/contracts';
import { LakeCompactionError } from '../core/index.js';
import { syncFile } from './durable-files.js';
import { quoteLiteral, sortColumnsOf } from './parquet-file-writing.js';

// Merging runs beside the writer and the queries on a laptop: one thread, a bounded memory, the rest spilled.
// A merge reads each input once and then deletes it, so DuckDB's cache of file contents would only hold
// dead files (it grew to half the memory limit in a 10-minute e2e run).
const mergeSettings = {
  threads: '1',
  memory_limit: '256MB',
  preserve_insertion_order: 'false',
  enable_external_file_cache: 'false',
};

export class ParquetFileMerger {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /** `spillDir` holds DuckDB's temporary files while a merge sorts more than fits in memory. */
  static async open(spillDir: string): Promise<ParquetFileMerger> {
    const instance = await DuckDBInstance.create(':memory:', { ...mergeSettings, temp_directory: spillDir });
    return new ParquetFileMerger(instance, await instance.connect());
  }

  /**
   * Writes every row of `inputs` to `output` and fsyncs it; returns the row count. Throws, leaving `output`
   * for the caller to remove, if the output does not hold exactly the inputs' rows.
   */
  async merge(table: AnyLakeTableName, inputs: readonly string[], output: string): Promise<number> {
    // Explicit paths under `hour=05/` would otherwise grow the hive columns into the file itself.
    const source = `read_parquet([${inputs.map(quoteLiteral).join(', ')}], union_by_name = true, hive_partitioning = false)`;
    await this.connection.run(
      `COPY (SELECT * FROM ${source} ORDER BY ${sortColumnsOf(table)}) ` +
        `TO ${quoteLiteral(output)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    await syncFile(output);
    // From the files' footers: what count(*) over them answers, read without scanning a row.
    const inputRows = await this.countRows(inputs);
    const outputRows = await this.countRows([output]);
    if (inputRows !== outputRows) {
      throw new LakeCompactionError(
        'ROW_COUNT_MISMATCH',
        `Merging ${inputs.length} "${table}" files wrote ${outputRows} rows instead of ${inputRows}; ` +
          'the files were left as they were.',
      );
    }
    return outputRows;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private async countRows(files: readonly string[]): Promise<number> {
    const reader = await this.connection.runAndReadAll(
      `SELECT sum(num_rows)::BIGINT AS n FROM parquet_file_metadata([${files.map(quoteLiteral).join(', ')}])`,
    );
    return Number(reader.getRowObjectsJS()[0]!.n);
  }
}
