// Reads a shard's durable records in sequence order, crossing from segment to segment, like a
// Kinesis shard iterator. It never reads past the log's durable end: a record that was not fsync'd
// may vanish in a crash, and its sequence number be given to another record.
import { open, type FileHandle } from 'node:fs/promises';
import type { StoredRecord } from './record-frame.js';
import { RecentRecords, type CommittedGroup } from './recent-records.js';
import { SegmentScanner } from './segment-scanner.js';
import type { ShardLog } from './shard-log.js';
import { DurableStreamError } from './stream-errors.js';
import type { Segment } from './segment-files.js';

interface OpenSegment {
  readonly segment: Segment;
  readonly handle: FileHandle;
  readonly scanner: SegmentScanner;
}

export class ShardReader {
  private current: OpenSegment | undefined;
  private readonly recent: RecentRecords;

  /** `recentBytes`: commits kept in memory until read, at most this many bytes of frames (0: none). */
  constructor(
    private readonly log: ShardLog,
    private nextSequence: number,
    recentBytes: number,
  ) {
    this.recent = new RecentRecords(recentBytes);
  }

  /** Records just made durable: kept in memory for the next read if the reader is caught up and they fit. */
  committed(group: CommittedGroup): void {
    this.recent.add(group, this.nextSequence);
  }

  /** Up to `maxCount` records from the read position, fewer (or none) at the durable end. */
  async read(maxCount: number): Promise<StoredRecord[]> {
    const records: StoredRecord[] = [];
    while (records.length < maxCount && this.nextSequence <= this.log.durableSequence) {
      const kept = this.recent.take(this.nextSequence);
      if (kept) {
        // The file position falls behind while records come from memory: the file is opened again where needed.
        if (this.current) await this.closeSegment();
        records.push(kept);
        this.nextSequence = kept.sequenceNumber + 1;
        continue;
      }
      const current = (this.current ??= await this.openSegmentAt(this.nextSequence));
      const frame = await current.scanner.next();
      if (frame.kind === 'record') {
        if (frame.record.sequenceNumber < this.nextSequence) continue; // seeking within the segment
        records.push(frame.record);
        this.nextSequence = frame.record.sequenceNumber + 1;
      } else if (frame.kind === 'end' && this.log.segmentOf(this.nextSequence) !== current.segment) {
        await this.closeSegment(); // the segment was sealed and the next record is in the next one
      } else {
        throw new DurableStreamError(
          'CORRUPT_RECORD',
          `Record ${this.nextSequence} in ${current.segment.path} cannot be read ` +
            `(${frame.kind === 'invalid' ? frame.reason : 'missing'}), though it was written durably: ` +
            'the disk corrupted it. Restore the segment, or move it aside to skip its records.',
        );
      }
    }
    return records;
  }

  /** Moves the read position; a sequence number before the oldest retained record starts there. */
  async seek(sequenceNumber: number): Promise<void> {
    this.recent.clear();
    await this.closeSegment();
    this.nextSequence = Math.max(sequenceNumber, this.log.oldestSequence);
  }

  async close(): Promise<void> {
    await this.closeSegment();
  }

  /** Where the record begins if it is known (the first commit not kept in memory), else its segment's start. */
  private async openSegmentAt(sequenceNumber: number): Promise<OpenSegment> {
    const resume = this.recent.takeResumePosition(sequenceNumber);
    const segment = resume?.segment ?? this.log.segmentOf(sequenceNumber);
    const handle = await open(segment.path, 'r');
    return { segment, handle, scanner: new SegmentScanner(handle, resume?.offset) };
  }

  private async closeSegment(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    await current?.handle.close();
  }
}

/** The first retained sequence number whose record arrived at or after `timestampMs` (AT_TIMESTAMP). */
export async function sequenceAtTimestamp(log: ShardLog, timestampMs: number): Promise<number> {
  const segments = log.retainedSegments;
  for (const [index, segment] of segments.entries()) {
    const next = segments[index + 1];
    // Arrival times grow along the log, so a segment followed by one that starts earlier is skipped.
    if (next && (await firstArrivalOf(next)) < timestampMs) continue;
    const found = await firstSequenceArrivedSince(segment, timestampMs, log.durableSequence);
    if (found !== undefined) return found;
  }
  return log.durableSequence + 1;
}

async function firstArrivalOf(segment: Segment): Promise<number> {
  const handle = await open(segment.path, 'r');
  try {
    const frame = await new SegmentScanner(handle).next();
    return frame.kind === 'record' ? frame.record.approximateArrivalTimestamp : Infinity;
  } finally {
    await handle.close();
  }
}

async function firstSequenceArrivedSince(
  segment: Segment,
  timestampMs: number,
  durableSequence: number,
): Promise<number | undefined> {
  const handle = await open(segment.path, 'r');
  try {
    const scanner = new SegmentScanner(handle);
    for (;;) {
      const frame = await scanner.next();
      if (frame.kind !== 'record' || frame.record.sequenceNumber > durableSequence) return undefined;
      if (frame.record.approximateArrivalTimestamp >= timestampMs) return frame.record.sequenceNumber;
    }
  } finally {
    await handle.close();
  }
}
