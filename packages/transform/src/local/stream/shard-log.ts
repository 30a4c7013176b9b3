// The append-only log of one shard. `append` resolves once the record is fsync'd; concurrent appends
// share one write and one fdatasync (group commit), so throughput does not fall to one record per
// disk flush: the puts that arrive while one fsync runs go together in the next (no timer needed:
// measured, a wait to gather more only lowered throughput). Sequence numbers are given at commit
// time, so a failed write leaves no gap.
import { open, stat, unlink, type FileHandle } from 'node:fs/promises';
import type { Logger, TelemetryEnvelope } from '@tributary/contracts';
import { syncDirectory } from './durable-files.js';
import { encodeFrames, type StoredRecord } from './record-frame.js';
import type { CommittedGroup } from './recent-records.js';
import { createSegment, listSegments, recoverSegment, type Segment } from './segment-files.js';

export interface ShardLogOptions {
  readonly shardDir: string;
  readonly segmentBytes: number;
  readonly logger: Logger;
  /** Called when records became durable, with them, so the consumer can read them. */
  readonly onDurable: (committed: CommittedGroup) => void;
}

interface PendingAppend {
  readonly data: TelemetryEnvelope;
  readonly arrival: number;
  readonly resolve: (sequenceNumber: number) => void;
  readonly reject: (error: unknown) => void;
}

export class ShardLog {
  private pending: PendingAppend[] = [];
  private committing: Promise<void> | undefined;

  private constructor(
    private readonly options: ShardLogOptions,
    private segments: Segment[],
    private active: FileHandle,
    private activeBytes: number,
    private lastDurableSequence: number,
  ) {}

  static async open(options: ShardLogOptions): Promise<ShardLog> {
    const segments = await listSegments(options.shardDir);
    const activeSegment = segments[segments.length - 1] as Segment;
    const recovered = await recoverSegment(activeSegment, options.logger);
    const active = await open(activeSegment.path, 'a');
    return new ShardLog(options, segments, active, recovered.bytes, recovered.lastSequence);
  }

  /** The sequence number of the newest record that is on disk for good. */
  get durableSequence(): number {
    return this.lastDurableSequence;
  }

  /** The sequence number of the oldest retained record (TRIM_HORIZON). */
  get oldestSequence(): number {
    return (this.segments[0] as Segment).firstSequence;
  }

  /** Appends awaiting their fsync: counted by backpressure before they have a sequence number. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Resolves with the record's sequence number once it is durable. */
  append(data: TelemetryEnvelope, arrival: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pending.push({ data, arrival, resolve, reject });
      this.committing ??= this.commitPending();
    });
  }

  /** The retained segment that holds (or will hold) `sequenceNumber`. */
  segmentOf(sequenceNumber: number): Segment {
    const later = this.segments.findIndex((segment) => segment.firstSequence > sequenceNumber);
    return this.segments[(later < 0 ? this.segments.length : Math.max(later, 1)) - 1] as Segment;
  }

  get retainedSegments(): readonly Segment[] {
    return this.segments;
  }

  /**
   * Deletes the oldest sealed segments whose records are all checkpointed and were all written before
   * `cutoffMs`. A sealed segment is never written again, so its mtime is its newest record's arrival.
   */
  async deleteExpiredSegments(checkpoint: number, cutoffMs: number): Promise<number> {
    let deleted = 0;
    while (this.segments.length > 1) {
      const [oldest, next] = this.segments as [Segment, Segment];
      if (next.firstSequence - 1 > checkpoint) break;
      if ((await stat(oldest.path)).mtimeMs >= cutoffMs) break;
      await unlink(oldest.path);
      this.segments.shift();
      deleted++;
    }
    if (deleted > 0) await syncDirectory(this.options.shardDir);
    return deleted;
  }

  /** Waits for pending appends, then closes the active segment. */
  async close(): Promise<void> {
    await this.committing;
    await this.active.close();
  }

  /**
   * Commits pending appends, group by group, until none is left. It stops being the running commit in the same
   * step as it finds nothing pending: an append awaited just before (a caller appending one record at a time)
   * must start the next commit, not join one that is ending.
   */
  private async commitPending(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const group = this.pending;
        this.pending = [];
        let committed: CommittedGroup;
        try {
          if (this.activeBytes >= this.options.segmentBytes) await this.roll();
          committed = await this.writeDurably(group);
        } catch (error) {
          group.forEach((append) => append.reject(error));
          continue;
        }
        const firstSequence = this.lastDurableSequence + 1;
        this.lastDurableSequence += group.length;
        group.forEach((append, index) => append.resolve(firstSequence + index));
        this.options.onDurable(committed);
      }
    } finally {
      this.committing = undefined;
    }
  }

  private async writeDurably(group: readonly PendingAppend[]): Promise<CommittedGroup> {
    const first = this.lastDurableSequence + 1;
    const records: StoredRecord[] = group.map((append, index) => ({
      sequenceNumber: first + index,
      approximateArrivalTimestamp: append.arrival,
      data: append.data,
    }));
    const bytes = encodeFrames(records);
    const offset = this.activeBytes;
    try {
      for (let written = 0; written < bytes.length;) {
        written += (await this.active.write(bytes, written, bytes.length - written)).bytesWritten;
      }
      await this.active.datasync();
      this.activeBytes += bytes.length;
      return { records, segment: this.segments.at(-1) as Segment, offset, bytes: bytes.length };
    } catch (error) {
      // A partial write (ENOSPC) must not stay in front of the next group's records: on the next
      // open, recovery would stop at it and drop records that were acknowledged after it.
      await this.active.truncate(this.activeBytes).catch((truncateError: unknown) =>
        this.options.logger.error('could not cut a failed write off a stream segment', {
          shardDir: this.options.shardDir,
          error: truncateError,
        }),
      );
      throw error;
    }
  }

  /** Seals the active segment and starts the next one, named by the next sequence number. */
  private async roll(): Promise<void> {
    const next = await createSegment(this.options.shardDir, this.lastDurableSequence + 1);
    const sealed = this.active;
    this.active = await open(next.path, 'a');
    this.activeBytes = 0;
    this.segments.push(next);
    await sealed.close();
  }
}
