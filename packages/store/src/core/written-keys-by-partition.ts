// The idempotency keys a writer remembers as written, as fingerprints, held a whole partition at a time
// (DESIGN.md §4): a partition's keys are either all in memory or none are, so a key whose fingerprint is missing
// from a held partition was never written there. Memory stays bounded by forgetting whole partitions, least
// recently used first; a forgotten partition is read from its files again the next time rows go there.
//
// Each table's latest check needs two partitions at once: the one its rows go to, and the hour before, where a
// resent message can already be. A partition still in use is never forgotten only to be read back from its files
// at the next flush (two partitions doing that to each other would read millions of keys every flush): when
// room runs out, partitions no check uses go first; then an hour before, then another table's partition being
// written are marked as checked against their files from then on. The partition the check writes always stays.
import { FingerprintSet } from './key-fingerprints.js';

/** Ten years of hourly partitions of one table. */
const partitionsCheckedAgainstFilesRemembered = 100_000;

/** The partitions one table's check uses: `written`, where its rows go, and those it only rules keys out against. */
export interface KeyCheck {
  readonly table: string;
  readonly written: string;
  readonly alsoChecked: readonly string[];
}

export class WrittenKeysByPartition {
  /** Least recently used first: a Map iterates in insertion order, and each use re-inserts. */
  private readonly partitions = new Map<string, FingerprintSet>();
  /**
   * Partitions never held again, checked against their files instead: those whose keys alone exceed the bound,
   * and those still in use when room ran out. Capped too; a partition dropped from it is read (or counted,
   * from Parquet metadata) again when next used.
   */
  private readonly checkedAgainstFiles = new Set<string>();
  /** Each table's latest check: the partitions in use. */
  private readonly latestChecks = new Map<string, KeyCheck>();
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
   * The most keys of one of the check's partitions worth reading from its files: the bound for the partition
   * it writes; beside it, for the others, what is left of the bound (a partition with more is marked instead).
   */
  roomFor(partitionPath: string, check: KeyCheck): number {
    if (partitionPath === check.written) return this.capacity;
    return this.capacity - (this.partitions.get(check.written)?.size ?? 0);
  }

  /**
   * Holds the keys of every row in one of the check's partitions, read from its files, making room as above.
   * Keys beyond the bound on their own are not held, nor those of a partition the check only rules keys out
   * against that does not fit beside the one it writes: either is marked as checked against its files.
   */
  hold(partitionPath: string, keysInFiles: FingerprintSet, check: KeyCheck): void {
    this.latestChecks.set(check.table, check);
    if (keysInFiles.size > this.roomFor(partitionPath, check)) {
      return this.markCheckedAgainstFiles(partitionPath);
    }
    this.forget(partitionPath);
    this.partitions.set(partitionPath, keysInFiles);
    this.heldKeys += keysInFiles.size;
    this.makeRoom(check);
  }

  /**
   * Adds the keys a check just wrote to its partition, if it is held; one not held is read from its files when
   * next used. Makes room as `hold` does.
   */
  addWritten(check: KeyCheck, writtenKeys: readonly number[]): void {
    this.latestChecks.set(check.table, check);
    const keys = this.partitions.get(check.written);
    if (!keys) return;
    for (const key of writtenKeys) if (keys.add(key)) this.heldKeys += 1;
    if (keys.size > this.capacity) this.markCheckedAgainstFiles(check.written);
    else this.makeRoom(check);
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

  /** Forgets a partition's keys: they are read from its files again when next needed. */
  forget(partitionPath: string): void {
    const keys = this.partitions.get(partitionPath);
    if (!keys) return;
    this.heldKeys -= keys.size;
    this.partitions.delete(partitionPath);
  }

  /**
   * Back within the bound: forgets the partitions no table's latest check uses, then marks the hours before
   * in use, then the partitions other tables write — least recently used first each time, never the partition
   * this check writes.
   */
  private makeRoom(check: KeyCheck): void {
    if (this.heldKeys <= this.capacity) return;
    const checks = [...this.latestChecks.values()];
    const written = new Set(checks.map((latest) => latest.written));
    const alsoChecked = new Set(checks.flatMap((latest) => latest.alsoChecked));
    const steps: [(partitionPath: string) => boolean, (partitionPath: string) => void][] = [
      [(path) => !written.has(path) && !alsoChecked.has(path), (path) => this.forget(path)],
      [(path) => !written.has(path), (path) => this.markCheckedAgainstFiles(path)],
      [(path) => path !== check.written, (path) => this.markCheckedAgainstFiles(path)],
    ];
    for (const [applies, free] of steps) {
      for (const [partitionPath] of this.partitions) {
        if (this.heldKeys <= this.capacity) return;
        if (applies(partitionPath)) free(partitionPath);
      }
    }
  }
}
