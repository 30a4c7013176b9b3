// Removes the local lake's data files that are past their table's retention, counted as the lake bucket's
// S3 lifecycle rule counts it (expiredFiles), and the hour partitions that leaves empty. The expired files
// leave their tables together, renamed into `<lake>/_expired/` under the LakeFileGate, so a query of this
// process sees all of them or none; they are deleted after, outside the gate.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { defaultLakeRetentionDays, type LakeRetentionDays } from '@tributary/contracts';
import {
  expiredFiles,
  isDataFileName,
  lakePartitionOf,
  lakeTableNames,
  writtenAtOf,
  type LakeDataFile,
  type LakePartition,
} from '../core/index.js';
import { LakeFileGate } from './lake-file-gate.js';

/** Outside every table's directory, so no table's `**\/*.parquet` glob reaches what waits here. */
export const expiredDirName = '_expired';

export interface SweepResult {
  /** The files removed, lake-relative (`telemetry/year=2026/month=11/day=25/hour=05/part-….parquet`). */
  readonly removed: readonly string[];
}

/** Removes every expired data file of every table; safe to run while the lake is written and queried. */
export async function sweepExpiredFiles(
  lakeDir: string,
  now: number = Date.now(),
  retention: LakeRetentionDays = defaultLakeRetentionDays,
  gate: LakeFileGate = new LakeFileGate(),
): Promise<SweepResult> {
  const expiredDir = join(lakeDir, expiredDirName);
  // What an interrupted sweep renamed but did not delete.
  await rm(expiredDir, { recursive: true, force: true });
  const expired = expiredFiles(now, await dataFilesIn(lakeDir), retention);
  if (expired.length === 0) return { removed: [] };
  await mkdir(expiredDir, { recursive: true });
  await gate.exclusive(() =>
    Promise.all(expired.map((file) => rename(join(lakeDir, file.path), join(expiredDir, randomUUID())))),
  );
  await rm(expiredDir, { recursive: true, force: true });
  for (const partitionPath of new Set(expired.map((file) => dirname(file.path)))) {
    await removeIfEmpty(lakeDir, partitionPath);
  }
  return { removed: expired.map((file) => file.path) };
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

/** The published data files of every partition: files being written, and any other, are not among them. */
async function dataFilesIn(lakeDir: string): Promise<LakeDataFile[]> {
  const files: LakeDataFile[] = [];
  for (const partition of await partitionsIn(lakeDir)) {
    for (const name of await entriesOf(join(lakeDir, partition.partitionPath))) {
      const writtenAt = isDataFileName(name) ? writtenAtOf(name) : undefined;
      if (writtenAt === undefined) continue;
      files.push({ table: partition.table, path: `${partition.partitionPath}/${name}`, writtenAt });
    }
  }
  return files;
}

/**
 * Removes the partition's directory, and its day, month and year directories in turn, while each is empty:
 * a directory holding anything (a file the writer is adding, another hour) stays.
 */
async function removeIfEmpty(lakeDir: string, partitionPath: string): Promise<void> {
  for (let path = partitionPath; path.includes('/'); path = dirname(path)) {
    const removed = await rmdir(join(lakeDir, path)).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOTEMPTY' || error.code === 'EEXIST' || error.code === 'ENOENT') return false;
        throw error;
      },
    );
    if (!removed) return;
  }
}

async function entriesOf(directory: string): Promise<string[]> {
  return readdir(directory).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
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
