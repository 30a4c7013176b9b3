// Bytes scanned, the measure Athena bills and limits a query by, and the per-query cutoff of a workgroup
// (BytesScannedCutoffPerQuery): here the bytes a query's Parquet scans read and the error past the cutoff.
// https://docs.aws.amazon.com/athena/latest/ug/workgroups-setting-control-limits-cloudwatch.html
import type { ParquetScan } from './planned-reads.js';
import { QueryError } from './query-error.js';

/** The AnalyticsStack workgroup's default cutoff, so a query refused on AWS is refused on a laptop too. */
export const defaultBytesScannedCutoffPerQuery = 10 * 1024 ** 3;

/** What a scan reads of one Parquet file: its footer, and the compressed column chunks of each column. */
export interface ParquetFileBytes {
  readonly footerBytes: number;
  /** By top-level column name, over all row groups. */
  readonly columnBytes: ReadonlyMap<string, number>;
}

/** Every scan's files' footers and the chunks of the columns it reads; a file read twice counts twice. */
export function bytesScannedBy(
  scans: readonly ParquetScan[],
  bytesOfFile: (file: string) => ParquetFileBytes,
): number {
  let total = 0;
  for (const scan of scans) {
    for (const file of scan.files) {
      const { footerBytes, columnBytes } = bytesOfFile(file);
      total += footerBytes;
      for (const column of scan.columns) total += columnBytes.get(column) ?? 0;
    }
  }
  return total;
}

/**
 * The refusal of a query over the cutoff. Athena cancels such a query once it has scanned the limit
 * ("Bytes scanned limit was exceeded") and bills what it read; the local service measures first and
 * does not run it at all.
 */
export function bytesScannedLimitError(bytesToScan: number, cutoff: number): QueryError {
  return new QueryError(
    'BYTES_SCANNED_LIMIT',
    `Bytes scanned limit exceeded: the query would scan ${sizeOf(bytesToScan)}, over the per-query limit ` +
      `of ${sizeOf(cutoff)}, so it was not run.\n` +
      'Filter on the partition columns (year, month, day, hour) so fewer files are read, or select fewer ' +
      'columns, or raise the limit (tributary start/query --scan-limit).',
  );
}

const units = ['KiB', 'MiB', 'GiB', 'TiB'];

/** `12.4 GiB`, `512 bytes`: a size a reader takes in at a glance. */
export function readableByteSize(bytes: number): string {
  let size = bytes;
  let unit = 'bytes';
  for (const next of units) {
    if (size < 1024) break;
    size /= 1024;
    unit = next;
  }
  return `${unit === 'bytes' ? bytes : Number(size.toFixed(1))} ${unit}`;
}

/** `12.4 GiB (13312345678 bytes)`: rounded, and exact. */
const sizeOf = (bytes: number): string =>
  bytes < 1024 ? readableByteSize(bytes) : `${readableByteSize(bytes)} (${bytes} bytes)`;
