// `tributary export "<sql>" --out FILE`: a query's whole result (no row cap) as a CSV or Parquet file.
import { exportFormats, exportLakeQuery, QueryError, type ExportFormat } from '@tributary/insights/local';
import { extname } from 'node:path';
import { lakeDirOf, parseConfig } from '../config.js';

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
    const result = await exportLakeQuery({ lakeDir: lakeDirOf(config), sql, outPath: options.out, format });
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

const isExportFormat = (format: string): format is ExportFormat =>
  (exportFormats as readonly string[]).includes(format);
