// Plans retention: which data files of which tables are past their table's retention, counted as the lake
// bucket's S3 lifecycle rules count it. Pure — the local sweeper removes what it returns; on AWS, the
// lifecycle rule per table prefix does. Also reads the lake's hour partition paths.
import type { AnyLakeTableName, LakeRetentionDays } from '@tributary/contracts';
import { lakeTableNames } from './lake-rows.js';

const dayMillis = 86_400_000;

export interface LakePartition {
  readonly table: AnyLakeTableName;
  /** Relative to the lake root: `telemetry/year=2026/month=11/day=25/hour=05`. */
  readonly partitionPath: string;
  /** The partition's first instant (UTC); it holds rows of [hourStart, hourStart + 1 h). */
  readonly hourStart: number;
}

const partitionPathPattern = /^([a-z0-9_]+)\/year=(\d{4})\/month=(\d{2})\/day=(\d{2})\/hour=(\d{2})$/;

/**
 * The partition a lake-relative path names, or undefined when it is not one of ours (another table, a
 * malformed or impossible date): retention never touches what it cannot read as a partition.
 */
export function lakePartitionOf(partitionPath: string): LakePartition | undefined {
  const match = partitionPathPattern.exec(partitionPath);
  if (!match) return undefined;
  const [, table, year, month, day, hour] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!(lakeTableNames as string[]).includes(table)) return undefined;
  const hourStart = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour));
  // Date.UTC rolls month=13 or hour=24 over into the next period; such a path is not one we wrote.
  if (new Date(hourStart).toISOString().slice(0, 13) !== `${year}-${month}-${day}T${hour}`) return undefined;
  return { table: table as AnyLakeTableName, partitionPath, hourStart };
}

/** A published data file of a lake table, as retention sees it. */
export interface LakeDataFile {
  readonly table: AnyLakeTableName;
  /** Relative to the lake root: `telemetry/year=2026/month=11/day=25/hour=05/part-….parquet`. */
  readonly path: string;
  /** When it was written (its name says: dataFileName), epoch ms. */
  readonly writtenAt: number;
}

/**
 * When an S3 lifecycle expiration of `days` removes an object written at `writtenAt`: its creation time
 * plus the days, rounded up to the next midnight UTC.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html (lifecycle rules based on an object's age)
 */
export function expirationOf(writtenAt: number, days: number): number {
  return Math.ceil((writtenAt + days * dayMillis) / dayMillis) * dayMillis;
}

/**
 * The files their table's retention removes at `now`, by the age of each file as the lake bucket's
 * lifecycle rule counts it (DataLakeStack): readings backfilled into old hours stay for the retention from
 * the day they were written, and a file compaction wrote counts from the merge.
 */
export function expiredFiles(
  now: number,
  files: readonly LakeDataFile[],
  retention: LakeRetentionDays,
): LakeDataFile[] {
  return files.filter((file) => expirationOf(file.writtenAt, retention[file.table]) <= now);
}
