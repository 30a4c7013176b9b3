// Idempotency keys as 53-bit fingerprints: the latest in a small open-addressing table of doubles, the rest
// in buckets by their top 18 bits, each bucket holding the low 32 bits of its fingerprints — ~5 bytes a
// fingerprint once there are millions, instead of a string and a hash-set entry (~140 bytes), with no objects
// for the garbage collector to trace. A fingerprint match is not proof that a key was written: two keys may
// share a fingerprint (about once in 10^15 pairs), and in the buckets a fingerprint matches any that shares
// those 50 bits (a new key one of 8 million held about once in 10^8 lookups). So the writer confirms a match
// against the files before it drops a row; a miss is proof.

/** Never 0: an empty slot holds 0. */
export function fingerprintOf(key: string): number {
  return fingerprintOfJoined([key], '');
}

/**
 * `fingerprintOf(parts.join(separator))` without building that string (a key made of a row's fields): hashing
 * the parts where they are saves a copy of every key.
 */
export function fingerprintOfJoined(parts: readonly string[], separator: string): number {
  let length = separator.length * (parts.length - 1);
  for (const part of parts) length += part.length;
  // Two 32-bit FNV-1a-style hashes over the same characters, each finished with murmur3's fmix32.
  let high = 0x811c9dc5;
  let low = 0x9747b28c ^ length;
  for (const [index, part] of parts.entries()) {
    for (const text of index === 0 ? [part] : [separator, part]) {
      for (let at = 0; at < text.length; at += 1) {
        const code = text.charCodeAt(at);
        high = Math.imul(high ^ code, 0x01000193);
        low = Math.imul(low ^ code, 0x5bd1e995);
        low ^= low >>> 13;
      }
    }
  }
  // 21 bits of one and 32 of the other: an integer below 2^53, exact in a double.
  const fingerprint = (mix32(high) >>> 11) * 0x1_0000_0000 + (mix32(low) >>> 0);
  return fingerprint === 0 ? 1 : fingerprint;
}

function mix32(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** The most fingerprints the open-addressing table takes (4 MB of slots) before they are merged into the buckets. */
const latestMax = 2 ** 18;
/**
 * Units of a merge's work (a slot read, a bucket placed, a fingerprint copied) done per add or lookup: a merge
 * into 8 million held fingerprints (~9M units) ends within ~18,000 uses, long before the next is due, and no
 * use waits for a whole merge (one at 5 million took 40–80 ms at once). Lookups merge too, so that a set no
 * longer added to (the hour before, once the hour has turned) frees its merged table all the same.
 */
const mergeUnitsPerUse = 512;

/**
 * A set of fingerprints. The latest 262,144 are in an open-addressing table of 11–21 bytes a fingerprint; the
 * rest in buckets of 4 bytes a fingerprint plus 1 MB of bucket starts: 5 million take ~25 MB (64 MB as a
 * table alone). A full table is merged into the buckets bit by bit, over the uses that follow.
 */
export class FingerprintSet {
  private latest: HashedFingerprints;
  /** The table being merged into the buckets: it still holds every fingerprint it held. */
  private merge: BucketMerge | null = null;
  private bucketed: BucketedFingerprints | null = null;

  constructor(expected = 0) {
    this.latest = new HashedFingerprints(Math.min(expected, latestMax));
  }

  static of(fingerprints: Iterable<number>): FingerprintSet {
    const set = new FingerprintSet();
    for (const fingerprint of fingerprints) set.add(fingerprint);
    return set;
  }

  get size(): number {
    return this.latest.size + (this.merge?.merging.size ?? 0) + (this.bucketed?.size ?? 0);
  }

  /** The memory its arrays take: while a merge runs, those it merges into too. */
  get bytes(): number {
    return this.latest.bytes + (this.merge?.bytes ?? 0) + (this.bucketed?.bytes ?? 0);
  }

  has(fingerprint: number): boolean {
    this.mergeSome();
    return this.latest.has(fingerprint) || this.isMergedOrMerging(fingerprint);
  }

  /**
   * Adds it unless held; whether it was new. One refused for matching a held fingerprint on 50 bits is not
   * stored, and needs not be: the buckets only ever grow, so it stays matched.
   */
  add(fingerprint: number): boolean {
    this.mergeSome();
    if (this.isMergedOrMerging(fingerprint) || !this.latest.add(fingerprint)) return false;
    if (this.latest.size >= latestMax) {
      // A merge still under way finishes first; at mergeUnitsPerUse it has by now below ~100M held.
      while (this.merge) this.mergeSome();
      this.merge = new BucketMerge(this.bucketed, this.latest);
      this.latest = new HashedFingerprints(latestMax);
    }
    return true;
  }

  private isMergedOrMerging(fingerprint: number): boolean {
    return this.merge?.merging.has(fingerprint) === true || this.bucketed?.has(fingerprint) === true;
  }

  private mergeSome(): void {
    const merged = this.merge?.step(mergeUnitsPerUse);
    if (merged) {
      this.bucketed = merged;
      this.merge = null;
    }
  }
}

/** Open addressing with linear probing in a table of doubles; it doubles once three quarters full. */
class HashedFingerprints {
  private slots: Float64Array;
  private count = 0;

  constructor(expected: number) {
    let slots = 16;
    while (slots * 0.75 < expected) slots *= 2;
    this.slots = new Float64Array(slots);
  }

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.slots.byteLength;
  }

  has(fingerprint: number): boolean {
    return slotOf(this.slots, fingerprint) >= 0;
  }

  add(fingerprint: number): boolean {
    const slot = slotOf(this.slots, fingerprint);
    if (slot >= 0) return false;
    if ((this.count + 1) * 4 > this.slots.length * 3) {
      this.grow();
      return this.add(fingerprint);
    }
    this.slots[-slot - 1] = fingerprint;
    this.count += 1;
    return true;
  }

  /** Its slots, for a merge to read: a fingerprint or 0 (empty) each. */
  get slotsHeld(): Float64Array {
    return this.slots;
  }

  private grow(): void {
    const outgrown = this.slots;
    this.slots = new Float64Array(outgrown.length * 2);
    for (const fingerprint of outgrown) {
      if (fingerprint !== 0) this.slots[-slotOf(this.slots, fingerprint) - 1] = fingerprint;
    }
  }
}

/** The fingerprint's slot in the table if held there, else −1 − the empty slot where it would go. */
function slotOf(slots: Float64Array, fingerprint: number): number {
  const mask = slots.length - 1;
  // ToUint32 of the fingerprint: its low 32 bits, the well-mixed ones.
  for (let slot = (fingerprint >>> 0) & mask; ; slot = (slot + 1) & mask) {
    const held = slots[slot] as number;
    if (held === fingerprint) return slot;
    if (held === 0) return -slot - 1;
  }
}

/**
 * A fingerprint's top 18 bits pick its bucket; the bucket holds its low 32 bits. The 3 bits between are not
 * kept, so fingerprints in buckets are told apart by 50 bits: a new key matches one of 8 million held about once
 * in 10^8 lookups, and the writer confirms such a match against the files as it does any.
 */
const bucketCount = 2 ** 18;
const bucketWidth = 2 ** 35;
const bucketOf = (fingerprint: number): number => Math.floor(fingerprint / bucketWidth);

/** Fingerprints in buckets, immutable: bucket b holds `lows[starts[b]..starts[b + 1])`, ~30 at 8 million. */
class BucketedFingerprints {
  constructor(
    readonly lows: Uint32Array,
    readonly starts: Uint32Array,
  ) {}

  get size(): number {
    return this.lows.length;
  }

  get bytes(): number {
    return this.lows.byteLength + this.starts.byteLength;
  }

  has(fingerprint: number): boolean {
    const bucket = bucketOf(fingerprint);
    const low = fingerprint >>> 0;
    const end = this.starts[bucket + 1] as number;
    for (let index = this.starts[bucket] as number; index < end; index += 1) {
      if (this.lows[index] === low) return true;
    }
    return false;
  }
}

/**
 * Builds the buckets of `held` (if any) and of a table's fingerprints (none of them held there), a few units of
 * work per step: count the table's fingerprints per bucket, lay out every bucket (copying the held ones),
 * then place the table's fingerprints.
 */
class BucketMerge {
  private readonly lows: Uint32Array;
  private readonly starts = new Uint32Array(bucketCount + 1);
  /** Per bucket, how many of the table's fingerprints go there; once laid out, where the next one goes. */
  private readonly nextOfBucket = new Uint32Array(bucketCount);
  private phase: 'count' | 'lay out' | 'place' = 'count';
  /** The next slot of the table (count, place) or bucket (lay out). */
  private position = 0;
  private next = 0;

  constructor(
    private readonly held: BucketedFingerprints | null,
    readonly merging: HashedFingerprints,
  ) {
    this.lows = new Uint32Array((held?.size ?? 0) + merging.size);
  }

  get bytes(): number {
    return this.merging.bytes + this.lows.byteLength + this.starts.byteLength + this.nextOfBucket.byteLength;
  }

  /** Does about `units` of the work; the buckets once all is done. */
  step(units: number): BucketedFingerprints | undefined {
    const slots = this.merging.slotsHeld;
    let budget = units;
    while (budget > 0) {
      if (this.phase === 'lay out') {
        budget -= this.layOutBucket(this.position);
        this.position += 1;
        if (this.position === bucketCount) {
          this.starts[bucketCount] = this.next;
          [this.phase, this.position] = ['place', 0];
        }
        continue;
      }
      const end = Math.min(this.position + budget, slots.length);
      budget -= end - this.position;
      for (; this.position < end; this.position += 1) {
        const fingerprint = slots[this.position] as number;
        if (fingerprint === 0) continue;
        const bucket = bucketOf(fingerprint);
        const next = this.nextOfBucket[bucket] as number;
        if (this.phase === 'place') this.lows[next] = fingerprint >>> 0;
        this.nextOfBucket[bucket] = next + 1;
      }
      if (this.position < slots.length) continue;
      if (this.phase === 'place') {
        return new BucketedFingerprints(this.lows, this.starts);
      }
      [this.phase, this.position] = ['lay out', 0];
    }
    return undefined;
  }

  /** Sets where the bucket starts, copies its held fingerprints, leaves room for the table's; the units spent. */
  private layOutBucket(bucket: number): number {
    this.starts[bucket] = this.next;
    let copied = 0;
    if (this.held) {
      const start = this.held.starts[bucket] as number;
      copied = (this.held.starts[bucket + 1] as number) - start;
      for (let index = 0; index < copied; index += 1) {
        this.lows[this.next + index] = this.held.lows[start + index] as number;
      }
      this.next += copied;
    }
    const fromTable = this.nextOfBucket[bucket] as number;
    this.nextOfBucket[bucket] = this.next;
    this.next += fromTable;
    return 1 + copied;
  }
}
