// The idempotency keys a writer remembers as written, as fingerprints, held a whole partition at a time
// (DESIGN.md §4): a partition's keys are either all in memory or none are, so a key whose fingerprint is missing
// from a held partition was never written there. Memory stays bounded by forgetting whole partitions, least
// recently used first; a forgotten partition is read from its files again the next time rows go there.
//
// One flush's check needs two partitions at once: the one its rows go to, and the hour before, where a resent
// message can already be. When both do not fit, the partition written is kept and the hour before is checked
// against its files from then on: forgetting either to make room for the other would read it back from its
// files at the next flush, and the other forgotten in turn, every flush.
import { FingerprintSet } from './key-fingerprints.js';

/** Ten years of hourly partitions of one table. */
const partitionsCheckedAgainstFilesRemembered = 100_000;

/** The partitions one check uses: `written`, where its rows go, and those it only rules keys out against. */
export interface KeyCheck {
  readonly written: string;
  readonly alsoChecked: readonly string[];
}

export class WrittenKeysByPartition {
  /** Least recently used first: a Map iterates in insertion order, and each use re-inserts. */
  private readonly partitions = new Map<string, FingerprintSet>();
  /**
   * Partitions never held again, checked against their files instead: those whose keys alone exceed the bound,
   * and those that did not fit beside the partition a check writes. Capped too; a partition dropped from it is
   * read (or counted, from Parquet metadata) again when next used.
   */
  private readonly checkedAgainstFiles = new Set<string>();
  private heldKeys = 0;

  constructor(private readonly capacity: number) {}

  /** Keys held, over every partition. */
  get size(): number {
    return this.heldKeys;
  }

  /**
   * The fingerprints of every key written to the partition, or undefined when they are not in memory (never
   * read, forgotten, or checked against its files). Counts as a use.
   */
  keysOf(partitionPath: string): Pick<FingerprintSet, 'has' | 'size'> | undefined {
    const keys = this.partitions.get(partitionPath);
    if (!keys) return undefined;
    this.partitions.delete(partitionPath);
    this.partitions.set(partitionPath, keys);
    return keys;
  }

  /** Whether the partition's keys are checked against its files instead of being held: never read them back. */
  isCheckedAgainstFiles(partitionPath: string): boolean {
    return this.checkedAgainstFiles.has(partitionPath);
  }

  /**
   * Holds the keys of every row in one of the check's partitions, read from its files, forgetting the least
   * recently used partitions to make room — never the one the check writes. Keys beyond the bound on their own
   * are not held, nor those of a partition the check only rules keys out against that does not fit beside the
   * one it writes: either is marked as checked against its files.
   */
  hold(partitionPath: string, keysInFiles: FingerprintSet, check: KeyCheck): void {
    if (keysInFiles.size > this.capacity) return this.markCheckedAgainstFiles(partitionPath);
    this.forget(partitionPath);
    this.partitions.set(partitionPath, keysInFiles);
    this.heldKeys += keysInFiles.size;
    this.forgetBeyondCapacity(check);
  }

  /**
   * Adds the keys a check just wrote to its partition, if it is held; one not held is read from its files when
   * next used. Makes room as `hold` does.
   */
  addWritten(check: KeyCheck, writtenKeys: readonly number[]): void {
    const keys = this.partitions.get(check.written);
    if (!keys) return;
    for (const key of writtenKeys) if (keys.add(key)) this.heldKeys += 1;
    if (keys.size > this.capacity) this.markCheckedAgainstFiles(check.written);
    else this.forgetBeyondCapacity(check);
  }

  /** Marks a partition as checked against its files from now on, dropping whatever of it was held. */
  markCheckedAgainstFiles(partitionPath: string): void {
    this.forget(partitionPath);
    this.checkedAgainstFiles.delete(partitionPath);
    this.checkedAgainstFiles.add(partitionPath);
    if (this.checkedAgainstFiles.size > partitionsCheckedAgainstFilesRemembered) {
      this.checkedAgainstFiles.delete(this.checkedAgainstFiles.values().next().value as string);
    }
  }

  private forget(partitionPath: string): void {
    const keys = this.partitions.get(partitionPath);
    if (!keys) return;
    this.heldKeys -= keys.size;
    this.partitions.delete(partitionPath);
  }

  /** Forgets partitions, least recently used first, except the one the check writes; marks those it still needs. */
  private forgetBeyondCapacity(check: KeyCheck): void {
    for (const [partitionPath] of this.partitions) {
      if (this.heldKeys <= this.capacity) return;
      if (partitionPath === check.written) continue;
      if (check.alsoChecked.includes(partitionPath)) this.markCheckedAgainstFiles(partitionPath);
      else this.forget(partitionPath);
    }
  }
}
