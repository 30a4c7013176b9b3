// The compactor's journal: before a merge starts, which files of a partition it replaces and by which file,
// fsynced under `<lake>/_compaction/`. The merged file's appearance (one rename) is the commit point, so
// settling a journal after a crash is: merged file present → finish removing the replaced files; absent →
// remove the unfinished merge. Either way readers end with the rows exactly once.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDataFileName, LakeCompactionError, lakePartitionOf, temporaryNameOf } from '../core/index.js';
import { syncDirectories, syncFile } from './durable-files.js';

/** Outside every table's directory, so no table's `**\/*.parquet` glob reaches what waits here. */
export const compactionDirName = '_compaction';
const journalDirOf = (lakeDir: string): string => join(lakeDir, compactionDirName, 'journal');

export interface CompactionJournal {
  /** Lake-relative: `telemetry/year=2026/month=11/day=25/hour=05`. */
  readonly partitionPath: string;
  /** Names, inside the partition, of the files the merged file replaces. */
  readonly replaced: readonly string[];
  /** Name of the merged file; it is written as temporaryNameOf(merged) and renamed once complete. */
  readonly merged: string;
}

export interface JournalEntry {
  readonly path: string;
  readonly journal: CompactionJournal;
}

export type JournalOutcome = 'completed' | 'rolled-back';

export async function writeJournal(lakeDir: string, journal: CompactionJournal): Promise<JournalEntry> {
  const directory = journalDirOf(lakeDir);
  const firstCreated = await mkdir(directory, { recursive: true });
  const path = join(directory, `${randomUUID()}.json`);
  const temporaryPath = temporaryNameOf(path);
  await writeFile(temporaryPath, JSON.stringify(journal));
  await syncFile(temporaryPath);
  await rename(temporaryPath, path);
  await syncDirectories(directory, firstCreated ? lakeDir : directory);
  return { path, journal };
}

/** The journals of compactions that did not settle; journals a crash left half-written are deleted. */
async function unsettledJournals(lakeDir: string): Promise<JournalEntry[]> {
  const directory = journalDirOf(lakeDir);
  const names = await readdir(directory).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const entries: JournalEntry[] = [];
  for (const name of names) {
    const path = join(directory, name);
    if (name.endsWith('.json.tmp')) await rm(path, { force: true });
    else if (name.endsWith('.json'))
      entries.push({ path, journal: parseJournal(path, await readFile(path, 'utf8')) });
  }
  return entries;
}

/** Settles every journal a crash or a failed merge left; returns how many there were. */
export async function settleUnsettledJournals(lakeDir: string): Promise<number> {
  const entries = await unsettledJournals(lakeDir);
  for (const entry of entries) await settleJournal(lakeDir, entry);
  return entries.length;
}

/**
 * Brings the lake to the journal's committed state or back to the state before it, then drops the journal.
 * Safe to repeat: a crash while settling is settled again on the next open.
 */
export async function settleJournal(lakeDir: string, entry: JournalEntry): Promise<JournalOutcome> {
  const { partitionPath, replaced, merged } = entry.journal;
  const directory = join(lakeDir, partitionPath);
  const committed = await exists(join(directory, merged));
  if (committed) {
    for (const name of replaced) await rm(join(directory, name), { force: true });
  } else {
    await rm(temporaryNameOf(join(directory, merged)), { force: true });
  }
  // The partition may be gone: retention swept it while the journal waited.
  if (await exists(directory)) await syncDirectories(directory, directory);
  await dropJournal(lakeDir, entry);
  return committed ? 'completed' : 'rolled-back';
}

export async function dropJournal(lakeDir: string, entry: JournalEntry): Promise<void> {
  await rm(entry.path, { force: true });
  await syncDirectories(journalDirOf(lakeDir), journalDirOf(lakeDir));
}

/** A journal names files to delete: refuse one that names anything but data files of a lake partition. */
function parseJournal(path: string, text: string): CompactionJournal {
  const journal = JSON.parse(text) as CompactionJournal;
  const names = [journal.merged, ...(Array.isArray(journal.replaced) ? journal.replaced : [null])];
  const valid =
    typeof journal.partitionPath === 'string' &&
    lakePartitionOf(journal.partitionPath) !== undefined &&
    names.every((name) => typeof name === 'string' && isDataFileName(name));
  if (!valid) {
    throw new LakeCompactionError(
      'INVALID_JOURNAL',
      `The compaction journal ${path} does not name a lake partition and its data files; the lake is left ` +
        'as it is. Check which files it lists, settle them by hand, then delete it.',
    );
  }
  return journal;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
