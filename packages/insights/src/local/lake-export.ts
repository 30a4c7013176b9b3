// `tributary export`: one read query's whole result written as a CSV or Parquet file. DuckDB's COPY writes
// into a private temporary directory beside the destination (the only place besides the lake the sandbox may
// touch), and the file is renamed into place after an fsync: a failed or interrupted export leaves nothing.
import { mkdtemp, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { QueryError, quoteLiteral } from '../core/index.js';
import { queryErrorOf } from './duckdb-errors.js';
import { LakeSandbox } from './lake-sandbox.js';
import { prepareReadStatement } from './read-only-statement.js';

export const exportFormats = ['csv', 'parquet'] as const;
export type ExportFormat = (typeof exportFormats)[number];

export interface LakeExportRequest {
  /** The lake root, as given to the LakeWriter. */
  readonly lakeDir: string;
  /** One read statement (the same SQL `tributary query` accepts). */
  readonly sql: string;
  /** The file to write; replaced if it exists. */
  readonly outPath: string;
  readonly format: ExportFormat;
}

export interface LakeExportResult {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
}

const copyOptions: Record<ExportFormat, string> = {
  csv: 'FORMAT csv, HEADER true',
  parquet: 'FORMAT parquet, COMPRESSION zstd',
};

export async function exportLakeQuery(request: LakeExportRequest): Promise<LakeExportResult> {
  const destination = resolve(request.outPath);
  const stagingDir = await mkdtemp(join(dirname(destination), `.${basename(destination)}.export-`));
  try {
    const staged = join(stagingDir, basename(destination));
    const rows = await copyQueryResult(request, stagingDir, staged);
    await fsyncFile(staged);
    await rename(staged, destination);
    return { path: destination, rows, bytes: (await stat(destination)).size };
  } finally {
    await rm(stagingDir, { recursive: true, force: true });
  }
}

async function copyQueryResult(
  request: LakeExportRequest,
  stagingDir: string,
  staged: string,
): Promise<number> {
  const sandbox = await LakeSandbox.open(request.lakeDir, { exportDir: stagingDir });
  const connection = await sandbox.instance.connect();
  try {
    // The statement is checked to be one read on its own before it is wrapped in the COPY.
    const prepared = await prepareReadStatement(connection, request.sql);
    if (prepared.parameterCount > 0) {
      throw new QueryError('BAD_PARAMETERS', 'An export takes no parameters: write the values into the SQL.');
    }
    const sql = request.sql.trim().replace(/;\s*$/, '');
    const copied = await connection.runAndReadAll(
      `COPY (${sql}) TO ${quoteLiteral(staged)} (${copyOptions[request.format]})`,
    );
    return Number(copied.getRows()[0]?.[0] ?? 0);
  } catch (error) {
    throw queryErrorOf(error, { timedOut: false, timeoutMs: 0, closed: false });
  } finally {
    connection.closeSync();
    sandbox.close();
  }
}

async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
