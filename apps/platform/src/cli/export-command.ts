// `tributary export "<sql>" --out FILE`: a query's whole result (no row cap) as a CSV or Parquet file.
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import {
  exportedRowsHeader,
  exportFormats,
  exportLakeQuery,
  QueryError,
  type ExportFormat,
  type LakeExportResult,
} from '@tributary/insights/local';
import { endpointsFileOf, lakeDirOf, parseConfig, type PlatformConfig } from '../config.js';
import { queryErrorOfResponse } from './lake-queries.js';
import { runningPlatformEndpoints } from './local-iot-api.js';

export interface ExportCommandOptions {
  readonly out?: string;
  /** csv | parquet. @default from the file's extension */
  readonly format?: string;
  readonly dataDir?: string;
}

const usage = 'Usage: tributary export "<sql>" --out FILE.parquet|FILE.csv [--format csv|parquet]\n';

export async function runExportCommand(sql: string, options: ExportCommandOptions): Promise<number> {
  if (sql.trim() === '' || !options.out) {
    process.stderr.write(`Give the SQL and the file to write.\n${usage}`);
    return 2;
  }
  const format = options.format ?? extname(options.out).slice(1).toLowerCase();
  if (!isExportFormat(format)) {
    process.stderr.write(
      `Cannot tell the format of "${options.out}": name it .csv or .parquet, or pass --format csv|parquet.\n`,
    );
    return 2;
  }
  const config = parseConfig(options.dataDir ? { dataDir: options.dataDir } : {});
  try {
    const result = await exportLake(config, sql, options.out, format);
    process.stdout.write(
      `${result.rows} rows written to ${result.path} (${result.bytes} bytes, ${format})\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof QueryError)) throw error;
    process.stderr.write(`tributary export: ${error.code}: ${error.message}\n`);
    return 1;
  }
}

/**
 * While a platform runs on the data directory, its compactor swaps files under a gate only its own reads
 * share: the export goes to its SQL API, as `tributary query` does. With no platform it runs here.
 */
async function exportLake(
  config: PlatformConfig,
  sql: string,
  outPath: string,
  format: ExportFormat,
): Promise<LakeExportResult> {
  const endpoints = await runningPlatformEndpoints(endpointsFileOf(config));
  if (!endpoints?.dashboardUrl) return exportLakeQuery({ lakeDir: lakeDirOf(config), sql, outPath, format });
  const response = await fetch(`${endpoints.dashboardUrl}/api/export`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: endpoints.dashboardUrl },
    body: JSON.stringify({ sql, format }),
  });
  if (!response.ok || !response.body) {
    const { error } = (await response.json()) as { error?: { code?: string; message?: string } };
    throw queryErrorOfResponse(response.status, error);
  }
  const path = await writeAtomically(outPath, Readable.fromWeb(response.body as ReadableStream));
  return { path, rows: Number(response.headers.get(exportedRowsHeader)), bytes: (await stat(path)).size };
}

/** Writes the stream beside `outPath`, fsyncs it and renames it into place: a failed export leaves nothing. */
async function writeAtomically(outPath: string, body: Readable): Promise<string> {
  const destination = resolve(outPath);
  const stagingDir = await mkdtemp(join(dirname(destination), `.${basename(destination)}.export-`));
  try {
    const staged = join(stagingDir, basename(destination));
    await pipeline(body, createWriteStream(staged));
    const handle = await open(staged, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(staged, destination);
    return destination;
  } finally {
    await rm(stagingDir, { recursive: true, force: true });
  }
}

const isExportFormat = (format: string): format is ExportFormat =>
  (exportFormats as readonly string[]).includes(format);
