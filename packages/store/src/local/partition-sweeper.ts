// Removes the local lake's hour partitions that are past their table's retention. A partition leaves its
// table by one rename into `<lake>/_expired/` before it is deleted, so a query sees all of it or none of it.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultLakeRetentionDays, type LakeRetentionDays } from '@tributary/contracts';
import { expiredPartitions, lakePartitionOf, lakeTableNames, type LakePartition } from '../core/index.js';

/** Outside every table's directory, so no table's `**\/*.parquet` glob reaches what waits here. */
export const expiredDirName = '_expired';

export interface SweepResult {
  /** The partitions removed, lake-relative (`telemetry/year=2026/month=11/day=25/hour=05`). */
  readonly removed: readonly string[];
}

/** Removes every expired partition of every table; safe to run while the lake is written and queried. */
export async function sweepExpiredPartitions(
  lakeDir: string,
  now: number = Date.now(),
  retention: LakeRetentionDays = defaultLakeRetentionDays,
): Promise<SweepResult> {
  const expiredDir = join(lakeDir, expiredDirName);
  // What an interrupted sweep renamed but did not delete.
  await rm(expiredDir, { recursive: true, force: true });
  const expired = expiredPartitions(now, await partitionsIn(lakeDir), retention);
  if (expired.length > 0) await mkdir(expiredDir, { recursive: true });
  for (const partition of expired) {
    const parked = join(expiredDir, randomUUID());
    await rename(join(lakeDir, partition.partitionPath), parked);
    await rm(parked, { recursive: true, force: true });
  }
  await rm(expiredDir, { recursive: true, force: true });
  return { removed: expired.map((partition) => partition.partitionPath) };
}

/** Every hour partition directory of every lake table (`<table>/year=…/month=…/day=…/hour=…`). */
export async function partitionsIn(lakeDir: string): Promise<LakePartition[]> {
  const partitions: LakePartition[] = [];
  for (const table of lakeTableNames) {
    for (const path of await directoriesAtDepth(lakeDir, table, 4)) {
      const partition = lakePartitionOf(path);
      if (partition) partitions.push(partition);
    }
  }
  return partitions;
}

/** Lake-relative paths of the directories `depth` levels below `<lakeDir>/<relativeDir>`. */
async function directoriesAtDepth(lakeDir: string, relativeDir: string, depth: number): Promise<string[]> {
  if (depth === 0) return [relativeDir];
  const entries = await readdir(join(lakeDir, relativeDir), { withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    },
  );
  const nested = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory())
      .map((entry) => directoriesAtDepth(lakeDir, `${relativeDir}/${entry.name}`, depth - 1)),
  );
  return nested.flat();
}
