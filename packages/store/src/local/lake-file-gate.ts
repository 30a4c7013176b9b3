// A readers–writer gate over the lake's file set, for the readers and the compactor of one process: a
// query holds it shared while it lists and reads files, a compaction's swap (merged file in, its inputs
// out) holds it exclusive, so a query sees a partition's files all before the swap or all after it.
export class LakeFileGate {
  private readers = 0;
  private swapping = false;
  private readonly waitingReaders: (() => void)[] = [];
  private readonly waitingSwaps: (() => void)[] = [];

  /** Runs `read` while no swap is under way; any number of reads run at once. */
  async shared<T>(read: () => Promise<T>): Promise<T> {
    await this.enterShared();
    try {
      return await read();
    } finally {
      this.readers -= 1;
      // The last read out lets a waiting swap in before the reads that queued behind it.
      if (this.readers === 0) this.waitingSwaps.shift()?.();
    }
  }

  /** Runs `swap` once the reads already in have finished, and alone. */
  async exclusive<T>(swap: () => Promise<T>): Promise<T> {
    await this.enterExclusive();
    try {
      return await swap();
    } finally {
      this.swapping = false;
      // Reads that waited behind the swap go before the next swap: neither side waits for ever.
      const waitingReaders = this.waitingReaders.splice(0);
      if (waitingReaders.length > 0) for (const admit of waitingReaders) admit();
      else this.waitingSwaps.shift()?.();
    }
  }

  private enterShared(): Promise<void> {
    // A swap waiting keeps new reads out, so a steady stream of queries cannot starve it.
    if (!this.swapping && this.waitingSwaps.length === 0) {
      this.readers += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.waitingReaders.push(() => {
        this.readers += 1;
        resolve();
      }),
    );
  }

  private enterExclusive(): Promise<void> {
    if (!this.swapping && this.readers === 0) {
      this.swapping = true;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.waitingSwaps.push(() => {
        this.swapping = true;
        resolve();
      }),
    );
  }
}
