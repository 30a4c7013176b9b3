// Plans a flush: which rows go to which hive partition, under which file name, minus rows already written.
import type { AnyLakeTableName, LakeTableName } from '@tributary/contracts';
import { partitionPathOfRow, rowKeyOf, type LakeRow } from './lake-rows.js';

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

export interface UnwrittenRows<T extends LakeTableName> {
  readonly rows: LakeRow<T>[];
  readonly keys: string[];
  /** Rows dropped because their key was already written or appeared earlier in the same batch. */
  readonly duplicates: number;
}

/** Keeps the first row of each key that is not already written. */
export function selectUnwrittenRows<T extends LakeTableName>(
  table: T,
  rows: readonly LakeRow<T>[],
  writtenKeys: { has(key: string): boolean },
): UnwrittenRows<T> {
  const keysInBatch = new Set<string>();
  const unwritten: LakeRow<T>[] = [];
  for (const row of rows) {
    const key = rowKeyOf(table, row);
    if (writtenKeys.has(key) || keysInBatch.has(key)) continue;
    keysInBatch.add(key);
    unwritten.push(row);
  }
  return { rows: unwritten, keys: [...keysInBatch], duplicates: rows.length - unwritten.length };
}

/** `part-20261125T051530123Z-<uuid>.parquet`: sorts by write time, unique without coordination. */
export function dataFileName(writtenAtMillis: number, uniqueId: string): string {
  const compactTime = new Date(writtenAtMillis).toISOString().replace(/[-:.]/g, '');
  return `part-${compactTime}-${uniqueId}.parquet`;
}

/** Whether a file in a partition is a published data file named by dataFileName (as compaction requires). */
export const isDataFileName = (name: string): boolean =>
  /^part-\d{8}T\d{9}Z-[A-Za-z0-9-]+\.parquet$/.test(name);

/** The name a file is written under before it is published; the lake's `*.parquet` glob never matches it. */
export const temporaryNameOf = (dataFile: string): string => `${dataFile}.tmp`;
