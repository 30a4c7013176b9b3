// The idempotency keys a writer remembers as written, as fingerprints, held a whole partition at a time
// (DESIGN.md §4): a partition's keys are either all in memory or none are, so a key whose fingerprint is missing
// from a held partition was never written there. Memory stays bounded by forgetting whole partitions, least
// recently used first; a forgotten partition is read from its files again the next time rows go there.
import { FingerprintSet } from './key-fingerprints.js';

/** Ten years of hourly partitions of one table. */
const tooLargePartitionsRemembered = 100_000;

export class WrittenKeysByPartition {
  /** Least recently used first: a Map iterates in insertion order, and each use re-inserts. */
  private readonly partitions = new Map<string, FingerprintSet>();
  /**
   * Partitions whose keys alone exceed the bound: they are never held, and are checked against their files.
   * Capped too; a partition dropped from it is counted again (from Parquet metadata) when next used.
   */
  private readonly tooLarge = new Set<string>();
  private heldKeys = 0;

  constructor(private readonly capacity: number) {}

  /** Keys held, over every partition. */
  get size(): number {
    return this.heldKeys;
  }

  /**
   * The fingerprints of every key written to the partition, or undefined when they are not in memory (never
   * read, forgotten, or too many to hold). Counts as a use.
   */
  keysOf(partitionPath: string): Pick<FingerprintSet, 'has' | 'size'> | undefined {
    const keys = this.partitions.get(partitionPath);
    if (!keys) return undefined;
    this.partitions.delete(partitionPath);
    this.partitions.set(partitionPath, keys);
    return keys;
  }

  /** Whether the partition once held more keys than the bound: its keys are checked against its files instead. */
  isTooLarge(partitionPath: string): boolean {
    return this.tooLarge.has(partitionPath);
  }

  /**
   * Holds the keys of every row in the partition's files, read from them, forgetting the least recently used
   * partitions to make room. Keys beyond the bound on their own are not held: the partition is marked too large.
   */
  hold(partitionPath: string, keysInFiles: FingerprintSet): void {
    if (keysInFiles.size > this.capacity) return this.markTooLarge(partitionPath);
    this.forget(partitionPath);
    this.partitions.set(partitionPath, keysInFiles);
    this.heldKeys += keysInFiles.size;
    this.forgetBeyondCapacity();
  }

  /** Adds keys just written to the partition, if it is held; one not held is read from its files when next used. */
  addWritten(partitionPath: string, writtenKeys: readonly number[]): void {
    const keys = this.partitions.get(partitionPath);
    if (!keys) return;
    for (const key of writtenKeys) if (keys.add(key)) this.heldKeys += 1;
    if (keys.size > this.capacity) this.markTooLarge(partitionPath);
    else this.forgetBeyondCapacity();
  }

  /** Marks a partition as holding more keys than the bound, dropping whatever of it was held. */
  markTooLarge(partitionPath: string): void {
    this.forget(partitionPath);
    this.tooLarge.delete(partitionPath);
    this.tooLarge.add(partitionPath);
    if (this.tooLarge.size > tooLargePartitionsRemembered) {
      this.tooLarge.delete(this.tooLarge.values().next().value as string);
    }
  }

  private forget(partitionPath: string): void {
    const keys = this.partitions.get(partitionPath);
    if (!keys) return;
    this.heldKeys -= keys.size;
    this.partitions.delete(partitionPath);
  }

  private forgetBeyondCapacity(): void {
    for (const [partitionPath] of this.partitions) {
      if (this.heldKeys <= this.capacity) return;
      this.forget(partitionPath);
    }
  }
}
