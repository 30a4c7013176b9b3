// Plans a flush: which rows go to which hive partition, under which file name, minus rows already written.
import type { AnyLakeTableName, LakeTableName } from '@tributary/contracts';
import { FingerprintSet } from './key-fingerprints.js';
import { partitionPathOfRow, rowFingerprintOf, rowKeyOf, type LakeRow } from './lake-rows.js';

export interface PartitionBatch<T extends AnyLakeTableName> {
  /** Relative to the lake root, e.g. `telemetry/year=2026/month=11/day=25/hour=05`. */
  readonly partitionPath: string;
  readonly rows: LakeRow<T>[];
}

/** Groups rows by partition, keeping the order in which partitions and rows first appear. */
export function groupRowsByPartition<T extends AnyLakeTableName>(
  table: T,
  rows: readonly LakeRow<T>[],
): PartitionBatch<T>[] {
  const batches = new Map<string, LakeRow<T>[]>();
  for (const row of rows) {
    const partitionPath = partitionPathOfRow(table, row);
    const batch = batches.get(partitionPath);
    if (batch) batch.push(row);
    else batches.set(partitionPath, [row]);
  }
  return [...batches].map(([partitionPath, batchRows]) => ({ partitionPath, rows: batchRows }));
}

export interface ScreenedRows<T extends LakeTableName> {
  /** Rows whose keys are surely not written yet (the first row of each key in the batch). */
  readonly unwritten: LakeRow<T>[];
  readonly unwrittenFingerprints: number[];
  /** Rows whose key's fingerprint is among the written ones: redeliveries, unless two keys share it. */
  readonly maybeWritten: LakeRow<T>[];
  readonly maybeWrittenFingerprints: number[];
  /** Rows dropped because their key appeared earlier in the same batch. */
  readonly repeatsInBatch: number;
}

/**
 * Sorts the first row of each key in the batch by whether the fingerprint of its key is among the written
 * ones, and drops the later rows of a key. Which rows repeat a key in the batch is exact: a fingerprint seen
 * earlier in the batch is confirmed by comparing keys.
 */
export function screenRows<T extends LakeTableName>(
  table: T,
  rows: readonly LakeRow<T>[],
  written: { has(fingerprint: number): boolean },
): ScreenedRows<T> {
  const screened = {
    unwritten: [] as LakeRow<T>[],
    unwrittenFingerprints: [] as number[],
    maybeWritten: [] as LakeRow<T>[],
    maybeWrittenFingerprints: [] as number[],
    repeatsInBatch: 0,
  };
  const fingerprintsInBatch = new FingerprintSet(rows.length);
  /** The keys of the rows kept so far, from the first fingerprint seen twice on: rarely needed, so built late. */
  let keysInBatch: Set<string> | undefined;
  for (const row of rows) {
    const fingerprint = rowFingerprintOf(table, row);
    if (!fingerprintsInBatch.add(fingerprint)) {
      keysInBatch ??= new Set(
        [...screened.unwritten, ...screened.maybeWritten].map((kept) => rowKeyOf(table, kept)),
      );
      if (keysInBatch.has(rowKeyOf(table, row))) {
        screened.repeatsInBatch += 1;
        continue;
      }
    }
    keysInBatch?.add(rowKeyOf(table, row));
    if (written.has(fingerprint)) {
      screened.maybeWritten.push(row);
      screened.maybeWrittenFingerprints.push(fingerprint);
    } else {
      screened.unwritten.push(row);
      screened.unwrittenFingerprints.push(fingerprint);
    }
  }
  return screened;
}

/** `part-20261125T051530123Z-<uuid>.parquet`: sorts by write time, unique without coordination. */
export function dataFileName(writtenAtMillis: number, uniqueId: string): string {
  const compactTime = new Date(writtenAtMillis).toISOString().replace(/[-:.]/g, '');
  return `part-${compactTime}-${uniqueId}.parquet`;
}

const dataFileNamePattern =
  /^part-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-[A-Za-z0-9-]+\.parquet$/;

/** Whether a file in a partition is a published data file named by dataFileName (as compaction requires). */
export const isDataFileName = (name: string): boolean => dataFileNamePattern.test(name);

/** When the file named by dataFileName was written (epoch ms); undefined for any other name. */
export function writtenAtOf(name: string): number | undefined {
  const match = dataFileNamePattern.exec(name);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second, millis] = match.slice(1).map(Number) as number[];
  return Date.UTC(year!, month! - 1, day!, hour!, minute!, second!, millis!);
}

/** The name a file is written under before it is published; the lake's `*.parquet` glob never matches it. */
export const temporaryNameOf = (dataFile: string): string => `${dataFile}.tmp`;
