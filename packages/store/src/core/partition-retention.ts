// Plans retention: which hour partitions of which tables are past their table's retention. Pure — the
// local sweeper removes what it returns; on AWS, S3 lifecycle rules per table prefix do the same.
import type { AnyLakeTableName, LakeRetentionDays } from '@tributary/contracts';
import { lakeTableNames } from './lake-rows.js';

const dayMillis = 86_400_000;
const hourMillis = 3_600_000;

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

/**
 * The partitions whose every row is older than their table's retention at `now`: a partition expires when
 * its hour has ENDED more than `retention[table]` days ago, so no row younger than the retention is removed.
 */
export function expiredPartitions(
  now: number,
  partitions: readonly LakePartition[],
  retention: LakeRetentionDays,
): LakePartition[] {
  return partitions.filter(
    (partition) => partition.hourStart + hourMillis <= now - retention[partition.table] * dayMillis,
  );
}
