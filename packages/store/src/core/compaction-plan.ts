// Plans compaction: which hour partitions are closed to the writer, and which of their small files merge
// into which larger one. Pure — the local compactor lists the files and performs the plan.
import type { LakePartition } from './partition-retention.js';

const hourMillis = 3_600_000;

export interface PartitionFile {
  /** The file's name inside its partition directory (`part-….parquet`). */
  readonly name: string;
  readonly bytes: number;
}

/**
 * A partition is closed once its hour ended more than `graceMs` ago: the writer flushes every 500 ms, so by
 * then it has written the hour's last rows. A late file (rows held through a full disk) is still safe: a
 * compaction replaces only the files it listed, and the next one merges the newcomer.
 */
export const isClosedPartition = (partition: LakePartition, now: number, graceMs: number): boolean =>
  partition.hourStart + hourMillis + graceMs <= now;

/**
 * The groups of files to merge, each into one file of at most about `targetBytes`. Only files under half the
 * target count as small — a file already near the target is not rewritten to absorb a few kilobytes — and
 * they are grouped in name order (write time), so a group is a contiguous stretch of the hour. A group of
 * one is left alone: merging it would change nothing.
 */
export function planFileMerges(files: readonly PartitionFile[], targetBytes: number): PartitionFile[][] {
  const small = files
    .filter((file) => file.bytes < targetBytes / 2)
    .sort((a, b) => a.name.localeCompare(b.name));
  const groups: PartitionFile[][] = [];
  let group: PartitionFile[] = [];
  let groupBytes = 0;
  for (const file of small) {
    if (group.length > 0 && groupBytes + file.bytes > targetBytes) {
      groups.push(group);
      group = [];
      groupBytes = 0;
    }
    group.push(file);
    groupBytes += file.bytes;
  }
  groups.push(group);
  return groups.filter((candidate) => candidate.length > 1);
}
