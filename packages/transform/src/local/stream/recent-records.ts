// The records a shard committed that its reader has not read yet, kept from their commit: a reader that
// keeps up takes them from memory instead of reading them back from the segment file and decoding them
// (the file read, the CRC and the JSON parse were ~10% of the platform's main thread at the e2e bench's
// message rate). Bounded in bytes: a commit that does not fit is not kept, and the reader reads it, and what
// follows until it has caught up, from the file, starting where that commit's frames begin. The file stays
// the source of truth: whatever is not kept here is read from it.
import type { StoredRecord } from './record-frame.js';
import type { Segment } from './segment-files.js';

/** One group commit: its records, in sequence order, and where their frames begin on disk. */
export interface CommittedGroup {
  readonly records: readonly StoredRecord[];
  readonly segment: Segment;
  /** The file offset of the first record's frame in `segment`. */
  readonly offset: number;
  /** The frames' size on disk. */
  readonly bytes: number;
}

/** Where a record's frame begins on disk. */
export interface FramePosition {
  readonly sequenceNumber: number;
  readonly segment: Segment;
  readonly offset: number;
}

interface KeptGroup {
  readonly records: readonly StoredRecord[];
  readonly bytes: number;
  /** The index of its next record not yet taken. */
  next: number;
}

export class RecentRecords {
  private readonly kept: KeptGroup[] = [];
  private keptBytes = 0;
  /** The frame of the first committed record that follows the kept ones but was not kept. */
  private resume: FramePosition | undefined;

  constructor(private readonly maxBytes: number) {}

  /**
   * Keeps a commit that continues what is kept (or, with nothing kept, holds the record the reader reads next)
   * while it fits. Otherwise a commit is left to the file; the first one left after kept records is where the
   * reader will open the file.
   */
  add(group: CommittedGroup, readerNextSequence: number): void {
    const first = group.records[0]?.sequenceNumber;
    if (first === undefined) return;
    if (this.resume) {
      // Until the reader is past the records left to the file, every commit is read from the file too.
      if (this.resume.sequenceNumber >= readerNextSequence) return;
      this.resume = undefined;
    }
    const last = this.kept.at(-1);
    const expected = last ? (last.records.at(-1) as StoredRecord).sequenceNumber + 1 : readerNextSequence;
    // A reader behind the commit reads its way to it in the file.
    if (first !== expected) return;
    if (this.keptBytes + group.bytes > this.maxBytes) {
      this.resume = { sequenceNumber: first, segment: group.segment, offset: group.offset };
      return;
    }
    this.kept.push({ records: group.records, bytes: group.bytes, next: 0 });
    this.keptBytes += group.bytes;
  }

  /** The kept record with this sequence number, if it is the next kept one; records before it are dropped. */
  take(sequenceNumber: number): StoredRecord | undefined {
    for (let group = this.kept[0]; group; group = this.kept[0]) {
      const record = group.records[group.next] as StoredRecord;
      if (record.sequenceNumber > sequenceNumber) return undefined;
      if (++group.next === group.records.length) {
        this.kept.shift();
        this.keptBytes -= group.bytes;
      }
      if (record.sequenceNumber === sequenceNumber) return record;
    }
    return undefined;
  }

  /** Where the file holds `sequenceNumber`, if it is the first record left to the file after kept ones. */
  takeResumePosition(sequenceNumber: number): FramePosition | undefined {
    const resume = this.resume;
    if (resume?.sequenceNumber !== sequenceNumber) return undefined;
    this.resume = undefined;
    return resume;
  }

  /** Forgets everything: the reader moved (a seek), so what is kept may no longer be what it reads next. */
  clear(): void {
    this.kept.length = 0;
    this.keptBytes = 0;
    this.resume = undefined;
  }

  /** The kept records' size on disk. */
  get bytes(): number {
    return this.keptBytes;
  }
}
