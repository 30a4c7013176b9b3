// Merges the many small Parquet files the writer leaves in each hour partition (one per flush) into a few
// large ones once the hour is closed, while the writer writes and queries read. The hours still being
// written are merged too, files of one size with each other (planTieredMerges), so a query over the last
// hour does not open a file per flush (thousands by the hour's end at full rate, each adding to every
// query's time). A merge is journaled before it starts and swapped in under the LakeFileGate, so neither a
// query running meanwhile nor a restart after kill -9 ever sees a row missing or twice. The same schedule
// removes the files past their table's retention (retention-sweeper.ts), as the lake bucket's expiry does.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { defaultLakeRetentionDays, partitionPathFor, type LakeRetentionDays } from '@tributary/contracts';
import {
  dataFileName,
  isClosedPartition,
  isDataFileName,
  lakePartitionOf,
  lakeTableNames,
  LakeCompactionError,
  planFileMerges,
  planTieredMerges,
  temporaryNameOf,
  type LakePartition,
  type PartitionFile,
  writtenAtOf,
} from '../core/index.js';
import {
  compactionDirName,
  dropJournal,
  settleJournal,
  settleUnsettledJournals,
  writeJournal,
  type JournalEntry,
} from './compaction-journal.js';
import { syncDirectories } from './durable-files.js';
import { LakeFileGate } from './lake-file-gate.js';
import { ParquetFileMerger } from './parquet-file-merger.js';
import { partitionsIn, sweepExpiredFiles, type SweepResult } from './retention-sweeper.js';

export interface LakeCompactorOptions {
  /** The lake root, as given to the LakeWriter. */
  readonly lakeDir: string;
  /**
   * The gate this process's LakeQueryService reads under, so its queries never see a swap half done.
   * @default a gate of its own, which no reader waits on
   */
  readonly gate?: LakeFileGate;
  /** How long after its hour ends a partition is left to the writer before it is compacted. @default 120_000 */
  readonly graceMs?: number;
  /** The size a merged file aims at; files of half of it or more are left as they are. @default 128 MiB */
  readonly targetFileBytes?: number;
  /**
   * The same for the hours still being written: smaller, so a pass rewrites little while the hour keeps
   * growing (a row is rewritten once per size tier it climbs before it settles in a file of about this size).
   * @default 8 MiB
   */
  readonly openPartitionFileBytes?: number;
  /** How long each table keeps a data file from when it was written. @default defaultLakeRetentionDays, as on AWS */
  readonly retention?: LakeRetentionDays;
  /** Awaited as a merge passes each step: the crash tests kill the compactor there. */
  readonly afterStep?: (step: CompactionStep) => void | Promise<void>;
}

/** The groups of a partition's files to merge, each into one file. */
type MergePlan = (files: readonly PartitionFile[]) => PartitionFile[][];

/** The steps of one merge, in order; after `renamed` the merge is committed. */
export type CompactionStep =
  'journaled' | 'merged' | 'renamed' | 'first-replaced-removed' | 'replaced-removed';

export interface CompactionTotals {
  readonly partitionsCompacted: number;
  /** Small files merged, and the files they became. */
  readonly filesBefore: number;
  readonly filesAfter: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
}

export interface LakeCompactorStats extends CompactionTotals {
  /** Data files removed as past their table's retention. */
  readonly filesExpired: number;
  /** Why the last scheduled pass failed, until one succeeds; the files it could not merge stay as they were. */
  readonly lastError: string | null;
}

export interface CompactionIntervals {
  /** Between passes over the closed hours. @default 60_000 */
  readonly intervalMs?: number;
  /** Between passes over the hours still being written. @default 10_000 */
  readonly openPartitionsIntervalMs?: number;
  /** Between sweeps of the files past their retention; the first runs as the schedule starts. @default 3_600_000 */
  readonly retentionIntervalMs?: number;
}

export interface CompactionSchedule {
  /** Stops scheduling and waits for the pass under way, if any. */
  stop(): Promise<void>;
}

const hourMillis = 3_600_000;

const noCompaction: CompactionTotals = {
  partitionsCompacted: 0,
  filesBefore: 0,
  filesAfter: 0,
  bytesBefore: 0,
  bytesAfter: 0,
};

export class LakeCompactor {
  private totals = noCompaction;
  private filesExpired = 0;
  private lastError: string | null = null;
  /** Passes run one at a time: the one under way, or a settled promise. */
  private passes: Promise<unknown> = Promise.resolve();
  private schedule: CompactionSchedule | null = null;
  private closed = false;

  private constructor(
    private readonly lakeDir: string,
    private readonly merger: ParquetFileMerger,
    private readonly gate: LakeFileGate,
    private readonly graceMs: number,
    private readonly targetFileBytes: number,
    private readonly openPartitionFileBytes: number,
    private readonly retention: LakeRetentionDays,
    private readonly afterStep: (step: CompactionStep) => void | Promise<void>,
  ) {}

  /** Settles what a crashed compaction left (before any query should read the lake), then is ready. */
  static async open(options: LakeCompactorOptions): Promise<LakeCompactor> {
    const lakeDir = resolve(options.lakeDir);
    const gate = options.gate ?? new LakeFileGate();
    await gate.exclusive(() => settleUnsettledJournals(lakeDir));
    const spillDir = join(lakeDir, compactionDirName, 'spill');
    await rm(spillDir, { recursive: true, force: true });
    await mkdir(spillDir, { recursive: true });
    return new LakeCompactor(
      lakeDir,
      await ParquetFileMerger.open(spillDir),
      gate,
      options.graceMs ?? 120_000,
      options.targetFileBytes ?? 128 * 1024 * 1024,
      options.openPartitionFileBytes ?? 8 * 1024 * 1024,
      options.retention ?? defaultLakeRetentionDays,
      options.afterStep ?? (() => undefined),
    );
  }

  /**
   * Merges the small files of every partition closed at `now`. A partition that fails is left as it was and
   * the pass goes on; the first failure is thrown once the pass ends.
   */
  compactClosedPartitions(now: number = Date.now()): Promise<CompactionTotals> {
    return this.enqueuePass(async () => {
      const closed = (await partitionsIn(this.lakeDir)).filter((partition) =>
        isClosedPartition(partition, now, this.graceMs),
      );
      return this.runPass(closed, (files) => planFileMerges(files, this.targetFileBytes));
    });
  }

  /**
   * Merges the small files of the partitions still open at `now` (this hour's, and the last hour's during
   * its grace period) into files of about `openPartitionFileBytes`; the writer goes on adding files meanwhile.
   */
  compactOpenPartitions(now: number = Date.now()): Promise<CompactionTotals> {
    return this.enqueuePass(async () => {
      const open = [now, now - hourMillis]
        .flatMap((instant) =>
          lakeTableNames.map((table) => lakePartitionOf(partitionPathFor(table, instant))),
        )
        .filter((partition): partition is LakePartition => partition !== undefined)
        .filter((partition) => !isClosedPartition(partition, now, this.graceMs));
      return this.runPass(open, (files) => planTieredMerges(files, this.openPartitionFileBytes));
    });
  }

  /** Removes the data files past their table's retention at `now`, between merges, never during one. */
  sweepExpired(now: number = Date.now()): Promise<SweepResult> {
    return this.enqueuePass(async () => {
      const swept = await sweepExpiredFiles(this.lakeDir, now, this.retention, this.gate);
      this.filesExpired += swept.removed.length;
      return swept;
    });
  }

  /**
   * Passes over the closed hours every `intervalMs` and over the open ones every `openPartitionsIntervalMs`
   * (each first after its interval), and sweeps the expired files every `retentionIntervalMs` (first at
   * once, so a platform started after weeks away drops what expired meanwhile); failures go to stats.lastError.
   */
  startCompacting(intervals: CompactionIntervals = {}): CompactionSchedule {
    if (this.schedule) return this.schedule;
    const timers = [
      this.repeat(() => this.compactClosedPartitions(), intervals.intervalMs ?? 60_000),
      this.repeat(() => this.compactOpenPartitions(), intervals.openPartitionsIntervalMs ?? 10_000),
      this.repeat(() => this.sweepExpired(), intervals.retentionIntervalMs ?? hourMillis, 0),
    ];
    this.schedule = {
      stop: async () => {
        timers.forEach((timer) => timer.stop());
        this.schedule = null;
        await this.passes;
      },
    };
    return this.schedule;
  }

  get stats(): LakeCompactorStats {
    return { ...this.totals, filesExpired: this.filesExpired, lastError: this.lastError };
  }

  /** Stops the schedule, waits for the pass under way, and frees DuckDB. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.schedule?.stop();
    await this.passes;
    this.merger.close();
  }

  /** Passes run one at a time, in the order asked. */
  private enqueuePass<T>(run: () => Promise<T>): Promise<T> {
    if (this.closed)
      return Promise.reject(new LakeCompactionError('CLOSED', 'The lake compactor is closed.'));
    const pass = this.passes.then(run);
    this.passes = pass.catch(() => undefined);
    return pass;
  }

  /**
   * Runs `pass` after `firstAfterMs`, then every `intervalMs` after the previous run ended; its outcome goes
   * to stats.lastError.
   */
  private repeat(
    pass: () => Promise<unknown>,
    intervalMs: number,
    firstAfterMs: number = intervalMs,
  ): { stop(): void } {
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const scheduleNext = (delayMs: number) => {
      timer = setTimeout(() => {
        void pass()
          .then(
            () => (this.lastError = null),
            (error: unknown) => (this.lastError = error instanceof Error ? error.message : String(error)),
          )
          .finally(() => {
            if (!stopped) scheduleNext(intervalMs);
          });
      }, delayMs);
      // close() stops it; the timer alone must not keep a finished process alive.
      timer.unref();
    };
    scheduleNext(firstAfterMs);
    return {
      stop: () => {
        stopped = true;
        clearTimeout(timer);
      },
    };
  }

  private async runPass(partitions: readonly LakePartition[], plan: MergePlan): Promise<CompactionTotals> {
    // What a failed merge of an earlier pass could not settle then.
    await this.gate.exclusive(() => settleUnsettledJournals(this.lakeDir));
    let pass = noCompaction;
    let firstFailure: unknown;
    for (const partition of partitions) {
      try {
        pass = addTotals(pass, await this.compactPartition(partition, plan));
      } catch (error) {
        firstFailure ??= error;
      }
    }
    if (firstFailure !== undefined) throw firstFailure;
    return pass;
  }

  private async compactPartition(partition: LakePartition, plan: MergePlan): Promise<CompactionTotals> {
    const directory = join(this.lakeDir, partition.partitionPath);
    let compacted = noCompaction;
    for (const group of plan(await dataFilesIn(directory))) {
      const mergedBytes = await this.mergeGroup(partition, group);
      const merge: CompactionTotals = {
        partitionsCompacted: compacted.filesAfter === 0 ? 1 : 0,
        filesBefore: group.length,
        filesAfter: 1,
        bytesBefore: group.reduce((bytes, file) => bytes + file.bytes, 0),
        bytesAfter: mergedBytes,
      };
      compacted = addTotals(compacted, merge);
      // Counted as each merge commits, so the stats hold what a pass did even if it fails later.
      this.totals = addTotals(this.totals, merge);
    }
    return compacted;
  }

  /** Merges one group of files into one file and swaps it in; returns the merged file's size. */
  private async mergeGroup(partition: LakePartition, group: readonly PartitionFile[]): Promise<number> {
    const directory = join(this.lakeDir, partition.partitionPath);
    // Named as written when its newest input was: it keeps the place of its rows in the hour's write order,
    // and retention counts its age as the newest input's, so a merge neither restarts the clock of the rows
    // it moves nor removes any before its time.
    const newestInput = group.reduce(
      (newest, file) => Math.max(newest, writtenAtOf(file.name) ?? Date.now()),
      0,
    );
    const merged = dataFileName(newestInput, `compacted-${randomUUID()}`);
    const mergedPath = join(directory, merged);
    const entry = await writeJournal(this.lakeDir, {
      partitionPath: partition.partitionPath,
      replaced: group.map((file) => file.name),
      merged,
    });
    try {
      await this.afterStep('journaled');
      const inputs = group.map((file) => join(directory, file.name));
      await this.merger.merge(partition.table, inputs, temporaryNameOf(mergedPath));
      await this.afterStep('merged');
      await this.gate.exclusive(() => this.swap(directory, group, merged));
      // The inputs' removal made durable outside the gate, so queries wait for one directory sync, not two:
      // until the journal goes, a crash that brought an input back is settled by removing it again.
      await syncDirectories(directory, directory);
      await this.afterStep('replaced-removed');
      await dropJournal(this.lakeDir, entry);
      return (await stat(mergedPath)).size;
    } catch (error) {
      await this.settleNow(entry);
      throw error;
    }
  }

  /** The commit: the merged file appears by one rename, then its inputs go; readers wait meanwhile. */
  private async swap(directory: string, group: readonly PartitionFile[], merged: string): Promise<void> {
    const mergedPath = join(directory, merged);
    await rename(temporaryNameOf(mergedPath), mergedPath);
    // Durable before any input goes: after a crash the journal must find the merged file if an input is gone.
    await syncDirectories(directory, directory);
    await this.afterStep('renamed');
    const [first, ...rest] = group.map((file) => join(directory, file.name));
    if (first !== undefined) await rm(first, { force: true });
    await this.afterStep('first-replaced-removed');
    // Together, not one by one: readers wait for this, and on a loop busy with ingest each removal awaited
    // alone costs a turn (~8 ms for a lake file's rename at 10,000 msg/s), times the group's dozens of files.
    await Promise.all(rest.map((path) => rm(path, { force: true })));
  }

  /**
   * After a failed merge: finish it or undo it now, so readers do not wait for a restart to stop seeing
   * both the merged file and its inputs. If settling fails too, the journal stays and the next pass
   * settles it; the merge's own error is the one reported.
   */
  private async settleNow(entry: JournalEntry): Promise<void> {
    await this.gate.exclusive(() => settleJournal(this.lakeDir, entry)).catch(() => undefined);
  }
}

/**
 * The partition's published data files with their sizes: files being written (`.tmp`) are not among them,
 * nor files some other tool put there, which the compactor leaves alone.
 */
async function dataFilesIn(directory: string): Promise<PartitionFile[]> {
  // Retention may have swept the partition since it was listed.
  const entries = await readdir(directory).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const names = entries.filter(isDataFileName);
  const files: PartitionFile[] = [];
  for (const name of names) files.push({ name, bytes: (await stat(join(directory, name))).size });
  return files;
}

function addTotals(a: CompactionTotals, b: CompactionTotals): CompactionTotals {
  return {
    partitionsCompacted: a.partitionsCompacted + b.partitionsCompacted,
    filesBefore: a.filesBefore + b.filesBefore,
    filesAfter: a.filesAfter + b.filesAfter,
    bytesBefore: a.bytesBefore + b.bytesBefore,
    bytesAfter: a.bytesAfter + b.bytesAfter,
  };
}
