// The local lake writer: buffers validated rows, drops duplicates by idempotency key, and flushes them
// as Parquet files into hive partitions by receive time, on a timer and when the buffer fills.
import {
  lakeTables,
  partitionPathFor,
  type AnyLakeTableName,
  type LakeTableName,
  type RollupTableName,
} from '@tributary/contracts';
import {
  groupRowsByPartition,
  isDiskFull,
  isRollupTable,
  lakeTableNames,
  LakeWriterError,
  rollupsOf,
  FingerprintSet,
  rowFingerprintOf,
  screenRows,
  validateLakeRows,
  WrittenKeysByPartition,
  type AnyLakeRow,
  type KeyCheck,
  type LakeRow,
  type PartitionBatch,
} from '../core/index.js';
import { writeLakeCatalog } from './lake-catalog-files.js';
import { LakeFileGate } from './lake-file-gate.js';
import { FileLeftVisibleError, ParquetPartitionFiles } from './parquet-partition-files.js';

export interface LakeWriterOptions {
  /** The lake root; tables are its subdirectories. */
  readonly lakeDir: string;
  /**
   * How often buffered rows are written: how long a row waits to become queryable, at most, once appended.
   * @default 500
   */
  readonly flushIntervalMs?: number;
  /**
   * How often the timed flushes also write the rollups of the rows written since the last such flush. A row
   * counts as durable (`flushed()` resolves) only once its rollups are in files too, so this bounds how long
   * a checkpoint waits. Set above `flushIntervalMs`, rows become queryable sooner without writing two more
   * files every flush; but each flush has a cost of its own: in the e2e bench, 250 ms flushes with 500 ms
   * rollups cut publish → queryable p99 by about a quarter at the same load and the most messages a second
   * the platform sustains by ~15%. Explicit flushes (`flush`, `close`) and a half-full buffer write them
   * always. @default flushIntervalMs
   */
  readonly rollupIntervalMs?: number;
  /**
   * The most rows held in memory; a flush starts at half of it, and `append` refuses rows beyond it
   * (BUFFER_FULL) so that a lake that cannot be written pushes back instead of growing memory.
   * @default 50_000
   */
  readonly maxBufferedRows?: number;
  /**
   * The most idempotency keys remembered, whole partitions at a time, as fingerprints of ~5 bytes each once a
   * partition holds millions (key-fingerprints.ts): ~40 MB by default (twice the largest partition's while it
   * merges), enough for an hour and the one before it at 4,000,000 readings an hour. A
   * partition with more rows than this is checked against its files by DuckDB at each flush instead,
   * which costs a scan of its key columns; so is the hour before once it no longer fits beside the hour
   * being written (a scan of 2M keys took ~65 ms a flush, of 8M ~180 ms).
   * @default 8_000_000
   */
  readonly maxRememberedKeys?: number;
  /**
   * The gate the compactor swaps files under: the writer reads a partition's keys from its files under it,
   * so a merge of that partition never shows it the merged file and its inputs, or neither.
   * @default a gate of its own
   */
  readonly gate?: LakeFileGate;
}

export interface LakeWriterStats {
  /** Per table, rollups included (their partial rows: see contracts/lake-rollups.ts). */
  readonly rowsWritten: Record<AnyLakeTableName, number>;
  readonly filesWritten: number;
  readonly duplicatesSkipped: number;
  /**
   * Idempotency keys read back from Parquet files: those of partitions written before this writer opened, or
   * forgotten to make room. It grows once per such partition, not per flush.
   */
  readonly keysReadFromFiles: number;
  /** Rows held in memory and not yet in Parquet, those the running flush is writing included. */
  readonly bufferedRows: number;
  /** Why the last flush failed, until a flush succeeds; rows stay buffered meanwhile. */
  readonly lastFlushError: string | null;
}

const hourMs = 3_600_000;

/** Rows to publish, their keys' fingerprints, and how many of the batch's rows were dropped as written or repeated. */
interface UnwrittenRows {
  readonly rows: LakeRow<LakeTableName>[];
  readonly fingerprints: number[];
  readonly duplicates: number;
  /** The partitions whose keys the rows were checked against. */
  readonly check: KeyCheck;
}

export class LakeWriter {
  private readonly buffered = emptyPerTable<AnyLakeRow[]>(() => []);
  /** Rows the running flush took out of `buffered` and has not written yet: still held, so still counted. */
  private rowsBeingWritten = 0;
  private readonly rowsWritten = emptyPerTable(() => 0);
  private readonly writtenKeys: WrittenKeysByPartition;
  private filesWritten = 0;
  private duplicatesSkipped = 0;
  private keysReadFromFiles = 0;
  private lastFlushError: string | null = null;
  private flushQueue: Promise<void> = Promise.resolve();
  /** The flush waiting behind the running one, if any: it will write every row buffered by then. */
  private queuedFlush: Promise<void> | null = null;
  /** Whether the queued flush writes the rollups too: any of the calls it stands for asked it to. */
  private queuedFlushWritesRollups = false;
  /** When the rollups were last written (or the writer opened). */
  private rollupsWrittenAt = Date.now();
  /** Rows accepted by `append` so far, and how many of the first of them are in Parquet files. */
  private appendedRows = 0;
  private durableRows = 0;
  private readonly durabilityWaiters: { readonly rows: number; readonly resolve: () => void }[] = [];
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  /** Callers of appendWhenRoom waiting for a flush to free the buffer. */
  private readonly roomWaiters: (() => void)[] = [];

  private constructor(
    private readonly lakeDir: string,
    private readonly files: ParquetPartitionFiles,
    private readonly maxBufferedRows: number,
    maxRememberedKeys: number,
    private readonly gate: LakeFileGate,
    flushIntervalMs: number,
    private readonly rollupIntervalMs: number,
  ) {
    this.writtenKeys = new WrittenKeysByPartition(maxRememberedKeys);
    this.timer = setInterval(
      // A timer that fires a little early still takes the rollups when they are due.
      () =>
        this.flushInBackground(Date.now() - this.rollupsWrittenAt >= rollupIntervalMs - flushIntervalMs / 2),
      flushIntervalMs,
    );
    // close() flushes; the timer alone must not keep a finished process alive.
    this.timer.unref();
  }

  static async open(options: LakeWriterOptions): Promise<LakeWriter> {
    await writeLakeCatalog(options.lakeDir);
    const files = await ParquetPartitionFiles.open(options.lakeDir);
    return new LakeWriter(
      options.lakeDir,
      files,
      options.maxBufferedRows ?? 50_000,
      options.maxRememberedKeys ?? 8_000_000,
      options.gate ?? new LakeFileGate(),
      options.flushIntervalMs ?? 500,
      options.rollupIntervalMs ?? options.flushIntervalMs ?? 500,
    );
  }

  /** Validates and buffers rows; throws LakeWriterError (INVALID_ROW, BUFFER_FULL, CLOSED) without buffering any. */
  append<T extends LakeTableName>(table: T, rows: readonly LakeRow<T>[]): void {
    this.refuseIfClosed(table);
    if (rows.length === 0) return;
    this.refuseIfNoRoom(table, rows.length);
    this.buffer(table, validateLakeRows(table, rows));
  }

  /**
   * Like `append`, but waits while the buffer is full (a lake that cannot be written) instead of refusing:
   * backpressure for a caller that must not drop or divert the rows. Rows beyond half the buffer go in
   * parts, each once there is room for it. Resolves once all are buffered; an invalid row (INVALID_ROW)
   * is thrown before any is.
   */
  async appendWhenRoom<T extends LakeTableName>(table: T, rows: readonly LakeRow<T>[]): Promise<void> {
    this.refuseIfClosed(table);
    const valid = validateLakeRows(table, rows);
    const partSize = Math.max(1, Math.floor(this.maxBufferedRows / 2));
    for (let start = 0; start < valid.length; start += partSize) {
      const part = valid.slice(start, start + partSize);
      while (this.bufferedRowCount + part.length > this.maxBufferedRows) {
        await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
        this.refuseIfClosed(table);
      }
      this.buffer(table, part);
    }
  }

  private refuseIfClosed(table: LakeTableName): void {
    if (this.closed)
      throw new LakeWriterError(
        'CLOSED',
        `The lake writer is closed: rows for "${table}" were not accepted.`,
      );
  }

  private refuseIfNoRoom(table: LakeTableName, rows: number): void {
    if (this.bufferedRowCount + rows > this.maxBufferedRows) {
      throw new LakeWriterError(
        'BUFFER_FULL',
        `The lake writer already holds ${this.bufferedRowCount} unwritten rows (limit ${this.maxBufferedRows}); ` +
          `${rows} more rows for "${table}" were refused. ` +
          (this.lastFlushError ? `Last write error: ${this.lastFlushError}. ` : '') +
          'Retry later; if it persists, check free space and permissions of the lake directory.',
      );
    }
  }

  private buffer(table: LakeTableName, validRows: readonly AnyLakeRow[]): void {
    const buffer = this.buffered[table];
    for (const row of validRows) buffer.push(row);
    this.appendedRows += validRows.length;
    // While writes fail (a full disk) only the timer retries: one attempt per interval, not one per append.
    if (this.bufferedRowCount >= this.maxBufferedRows / 2 && this.lastFlushError === null) {
      this.flushInBackground(true);
    }
  }

  /**
   * Writes every row buffered so far, rollups included. On failure the unwritten rows stay buffered for the
   * next flush. Calls made while a flush runs share the one queued after it, which writes all their rows:
   * without that, each append past half the buffer would queue another attempt to write the whole buffer.
   */
  flush(): Promise<void> {
    return this.queueFlush(true);
  }

  /** A flush of the base tables, and of the rollups too when `withRollups` (or another caller sharing it) asks. */
  private queueFlush(withRollups: boolean): Promise<void> {
    if (this.queuedFlush) {
      this.queuedFlushWritesRollups ||= withRollups;
      return this.queuedFlush;
    }
    this.queuedFlushWritesRollups = withRollups;
    const flushed = this.flushQueue.then(() => {
      this.queuedFlush = null;
      return this.writeBuffered(this.queuedFlushWritesRollups);
    });
    this.queuedFlush = flushed;
    this.flushQueue = flushed.catch(() => undefined);
    return flushed;
  }

  /**
   * Resolves once every row appended so far is in a Parquet file (or was a duplicate of one), after
   * the next successful flush; it does not start one. While flushes fail (ENOSPC, permissions) it
   * keeps waiting rather than rejecting: the rows stay buffered and are retried, and a caller that
   * checkpoints only after this resolves redelivers them if the process dies first.
   */
  flushed(): Promise<void> {
    const rows = this.appendedRows;
    if (this.durableRows >= rows) return Promise.resolve();
    return new Promise((resolve) => this.durabilityWaiters.push({ rows, resolve }));
  }

  /** Flushes and releases DuckDB; a failed final flush is thrown, and the writer stays open to retry. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flush();
    } catch (error) {
      this.closed = false;
      throw error;
    }
    clearInterval(this.timer);
    this.files.close();
  }

  get stats(): LakeWriterStats {
    return {
      rowsWritten: { ...this.rowsWritten },
      filesWritten: this.filesWritten,
      duplicatesSkipped: this.duplicatesSkipped,
      keysReadFromFiles: this.keysReadFromFiles,
      bufferedRows: this.bufferedRowCount,
      lastFlushError: this.lastFlushError,
    };
  }

  private get bufferedRowCount(): number {
    return lakeTableNames.reduce(
      (count, table) => count + this.buffered[table].length,
      this.rowsBeingWritten,
    );
  }

  private flushInBackground(withRollups: boolean): void {
    // Rows a flush wrote after it started may still wait for a flush to mark them durable.
    if (this.bufferedRowCount === 0 && this.durableRows >= this.appendedRows) return;
    if (!withRollups && baseTableNames.every((table) => this.buffered[table].length === 0)) return;
    // The error is kept in stats.lastFlushError and the rows stay buffered; the next flush retries.
    this.queueFlush(withRollups).catch(() => undefined);
  }

  /**
   * Writes the base tables' buffered rows; with `withRollups`, then the rollups of every row written so far,
   * which makes every row appended before it durable. (Rows written without their rollups are not: a crash
   * would redeliver them, and their redelivery, found written, would never add their partials.)
   */
  private async writeBuffered(withRollups: boolean): Promise<void> {
    // Rows appended while this flush runs may miss it: only those appended before it are promised.
    const appendedBeforeFlush = this.appendedRows;
    try {
      for (const table of baseTableNames) await this.writeTable(table);
      if (withRollups) {
        const startedAt = Date.now();
        await allOrFirstError(rollupTableNames.map((table) => this.writeTable(table)));
        this.rollupsWrittenAt = startedAt;
      }
      this.lastFlushError = null;
      if (withRollups) this.markDurable(appendedBeforeFlush);
      for (const wake of this.roomWaiters.splice(0)) wake();
    } catch (error) {
      this.lastFlushError = error instanceof Error ? error.message : String(error);
      throw error;
    }
  }

  private markDurable(rows: number): void {
    this.durableRows = Math.max(this.durableRows, rows);
    const waiting = this.durabilityWaiters.splice(0);
    for (const waiter of waiting) {
      if (waiter.rows <= this.durableRows) waiter.resolve();
      else this.durabilityWaiters.push(waiter);
    }
  }

  private async writeTable(table: AnyLakeTableName): Promise<void> {
    const rows = this.buffered[table];
    if (rows.length === 0) return;
    this.buffered[table] = [];
    this.rowsBeingWritten += rows.length;
    const batches = groupRowsByPartition(table, rows);
    for (const [index, batch] of batches.entries()) {
      try {
        await this.writePartition(table, batch);
        this.rowsBeingWritten -= batch.rows.length;
      } catch (error) {
        // A file left visible is counted by readers already, so its batch is taken as written (writePartition
        // did the accounting) rather than published again: rollup partials have no key to deduplicate them by.
        const countedByReaders = error instanceof FileLeftVisibleError;
        if (countedByReaders) this.rowsBeingWritten -= batch.rows.length;
        const unwritten = batches.slice(countedByReaders ? index + 1 : index).flatMap((b) => b.rows);
        this.buffered[table] = [...unwritten, ...this.buffered[table]];
        this.rowsBeingWritten -= unwritten.length;
        throw this.writeErrorOf(error, `${unwritten.length} "${table}" rows`, batch.partitionPath);
      }
    }
  }

  private writeErrorOf(error: unknown, rows: string, partitionPath: string): LakeWriterError {
    if (isDiskFull(error)) {
      return new LakeWriterError(
        'DISK_FULL',
        `The lake's disk is full (ENOSPC): ${rows} for ${partitionPath} were not written. Free space under ` +
          `${this.lakeDir}; meanwhile the rows stay buffered, are retried every flush, and appends beyond ` +
          `${this.maxBufferedRows} buffered rows are refused. (${String(error)})`,
        { cause: error },
      );
    }
    return new LakeWriterError(
      'WRITE_FAILED',
      `Writing ${rows} to ${partitionPath} failed: ${String(error)}. ` +
        'They stay buffered and are retried at the next flush.',
      { cause: error },
    );
  }

  private async writePartition(
    table: AnyLakeTableName,
    batch: PartitionBatch<AnyLakeTableName>,
  ): Promise<void> {
    if (isRollupTable(table)) return this.writeRollupPartition(table, batch);
    const unwritten = await this.selectUnwritten(table, batch);
    if (unwritten.rows.length > 0) {
      await this.files.publish(table, batch.partitionPath, unwritten.rows).catch((error: unknown) => {
        if (error instanceof FileLeftVisibleError) {
          // Rows readers see but the held keys lack: the keys are read from the files at the next flush.
          this.writtenKeys.forget(batch.partitionPath);
          this.countWritten(table, unwritten.rows);
          this.duplicatesSkipped += unwritten.duplicates;
        }
        throw error;
      });
      this.countWritten(table, unwritten.rows);
      this.writtenKeys.addWritten(unwritten.check, unwritten.fingerprints);
    }
    this.duplicatesSkipped += unwritten.duplicates;
  }

  /** Accounts for a file of `rows` now visible to readers; the rollups of its readings go into this flush. */
  private countWritten(table: AnyLakeTableName, rows: readonly LakeRow<AnyLakeTableName>[]): void {
    this.filesWritten += 1;
    this.rowsWritten[table] += rows.length;
    if (table === 'telemetry') this.bufferRollupsOf(rows as LakeRow<'telemetry'>[]);
  }

  /**
   * The batch's rows whose keys are neither in their partition nor in the hour before it: a device that
   * resends a message whose PUBACK a restart lost gives it a new receive time, which can fall in the next hour.
   * Fingerprints held in memory rule most rows out at once; the files decide for the rest — rows whose
   * fingerprint matched, and every row for a partition whose keys are not held.
   */
  private async selectUnwritten(
    table: LakeTableName,
    batch: PartitionBatch<AnyLakeTableName>,
  ): Promise<UnwrittenRows> {
    const rows = batch.rows as LakeRow<LakeTableName>[];
    const receivedAt = (rows[0] as Record<string, unknown>)[lakeTables[table].partitionTime] as number;
    const hourBefore = partitionPathFor(table, receivedAt - hourMs);
    const check: KeyCheck = { table, written: batch.partitionPath, alsoChecked: [hourBefore] };
    const partitionPaths = [check.written, hourBefore];
    const held: Pick<FingerprintSet, 'has'>[] = [];
    const notHeld: string[] = [];
    for (const partitionPath of partitionPaths) {
      const keys = await this.writtenKeysIn(table, partitionPath, check);
      if (keys) held.push(keys);
      else notHeld.push(partitionPath);
    }
    const [someHeld, otherHeld] = held;
    const screened = screenRows(table, rows, {
      has: (fingerprint) => someHeld?.has(fingerprint) === true || otherHeld?.has(fingerprint) === true,
    });
    // A row no held fingerprint matched can only be in the partitions not held; one matched, in either.
    const unwritten = await this.notInFiles(table, notHeld, {
      rows: screened.unwritten,
      fingerprints: screened.unwrittenFingerprints,
    });
    const unmatched = await this.notInFiles(table, partitionPaths, {
      rows: screened.maybeWritten,
      fingerprints: screened.maybeWrittenFingerprints,
    });
    const found =
      screened.unwritten.length -
      unwritten.rows.length +
      screened.maybeWritten.length -
      unmatched.rows.length;
    return {
      rows: [...unwritten.rows, ...unmatched.rows],
      fingerprints: [...unwritten.fingerprints, ...unmatched.fingerprints],
      duplicates: screened.repeatsInBatch + found,
      check,
    };
  }

  /** Those of the rows (with their fingerprints) whose keys no file of the partitions has. */
  private async notInFiles(
    table: LakeTableName,
    partitionPaths: readonly string[],
    candidates: { readonly rows: LakeRow<LakeTableName>[]; readonly fingerprints: number[] },
  ): Promise<{ readonly rows: LakeRow<LakeTableName>[]; readonly fingerprints: number[] }> {
    if (candidates.rows.length === 0 || partitionPaths.length === 0) return candidates;
    const inFiles = await this.gate.shared(() =>
      this.files.indexesOfRowsAlreadyIn(table, partitionPaths, candidates.rows),
    );
    if (inFiles.size === 0) return candidates;
    const notInFiles = (_: unknown, index: number) => !inFiles.has(index);
    return {
      rows: candidates.rows.filter(notInFiles),
      fingerprints: candidates.fingerprints.filter(notInFiles),
    };
  }

  /**
   * Rollups of exactly the telemetry rows just written — duplicates already dropped — buffered so that this
   * same flush publishes them (rollup tables are written after the others).
   */
  private bufferRollupsOf(writtenReadings: readonly LakeRow<'telemetry'>[]): void {
    const rollups = rollupsOf(writtenReadings);
    for (const table of Object.keys(rollups) as RollupTableName[]) {
      for (const row of rollups[table]) this.buffered[table].push(row);
    }
  }

  /** Rollup rows are partial aggregates with no idempotency key: every one is published, none deduplicated. */
  private async writeRollupPartition(
    table: RollupTableName,
    batch: PartitionBatch<AnyLakeTableName>,
  ): Promise<void> {
    await this.files.publish(table, batch.partitionPath, batch.rows).catch((error: unknown) => {
      if (error instanceof FileLeftVisibleError) this.countWritten(table, batch.rows);
      throw error;
    });
    this.countWritten(table, batch.rows);
  }

  /**
   * Every key written to the partition, read from its files unless still in memory: those of files written
   * before this writer opened, or of a partition forgotten to make room. Undefined if they are checked against
   * the files instead: too many to hold, or no room beside the partition the check writes.
   */
  private async writtenKeysIn(
    table: LakeTableName,
    partitionPath: string,
    check: KeyCheck,
  ): Promise<Pick<FingerprintSet, 'has'> | undefined> {
    const held = this.writtenKeys.keysOf(partitionPath);
    if (held || this.writtenKeys.isCheckedAgainstFiles(partitionPath)) return held;
    const keys = new FingerprintSet();
    const keysRead = await this.gate.shared(() =>
      this.files.readKeyColumns(
        table,
        partitionPath,
        this.writtenKeys.roomFor(partitionPath, check),
        (keyRows) => {
          for (const keyRow of keyRows) keys.add(rowFingerprintOf(table, keyRow as LakeRow<LakeTableName>));
        },
      ),
    );
    if (keysRead === undefined) {
      this.writtenKeys.markCheckedAgainstFiles(partitionPath);
      return undefined;
    }
    this.keysReadFromFiles += keysRead;
    this.writtenKeys.hold(partitionPath, keys, check);
    return this.writtenKeys.keysOf(partitionPath);
  }
}

const baseTableNames = lakeTableNames.filter((table) => !isRollupTable(table));
const rollupTableNames = lakeTableNames.filter(isRollupTable);

/** Waits for every one of the writes, then throws the first failure among them, if any. */
async function allOrFirstError(writes: readonly Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(writes)).find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
}

function emptyPerTable<V>(initial: () => V): Record<AnyLakeTableName, V> {
  return Object.fromEntries(lakeTableNames.map((table) => [table, initial()])) as Record<AnyLakeTableName, V>;
}
