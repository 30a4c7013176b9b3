// Idempotency keys as 53-bit fingerprints, held in an open-addressing table of doubles: 8 bytes a slot instead
// of a string and a hash-set entry (~140 bytes), no objects for the garbage collector to trace, and one cache
// line read per lookup. A fingerprint match is not proof that a key was written (two keys may share one, about
// once in 10^15 pairs), so the writer confirms a match against the files before it drops a row; a miss is.

/** Never 0: an empty slot holds 0. */
export function fingerprintOf(key: string): number {
  // Two 32-bit FNV-1a-style hashes over the same characters, each finished with murmur3's fmix32.
  let high = 0x811c9dc5;
  let low = 0x9747b28c ^ key.length;
  for (let index = 0; index < key.length; index += 1) {
    const code = key.charCodeAt(index);
    high = Math.imul(high ^ code, 0x01000193);
    low = Math.imul(low ^ code, 0x5bd1e995);
    low ^= low >>> 13;
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

const initialSlots = 16;

/** A set of fingerprints; it doubles once three quarters full, so it holds n of them in 11–21 × n bytes. */
export class FingerprintSet {
  private slots: Float64Array;
  private count = 0;

  constructor(expected = 0) {
    let slots = initialSlots;
    while (slots * 0.75 < expected) slots *= 2;
    this.slots = new Float64Array(slots);
  }

  static of(fingerprints: Iterable<number>): FingerprintSet {
    const set = new FingerprintSet();
    for (const fingerprint of fingerprints) set.add(fingerprint);
    return set;
  }

  get size(): number {
    return this.count;
  }

  has(fingerprint: number): boolean {
    const slots = this.slots;
    const mask = slots.length - 1;
    // ToUint32 of the fingerprint: its low 32 bits, the well-mixed ones.
    for (let slot = (fingerprint >>> 0) & mask; ; slot = (slot + 1) & mask) {
      const held = slots[slot] as number;
      if (held === fingerprint) return true;
      if (held === 0) return false;
    }
  }

  /** Adds it unless held; whether it was new. */
  add(fingerprint: number): boolean {
    if ((this.count + 1) * 4 > this.slots.length * 3) this.grow();
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let slot = (fingerprint >>> 0) & mask; ; slot = (slot + 1) & mask) {
      const held = slots[slot] as number;
      if (held === fingerprint) return false;
      if (held === 0) {
        slots[slot] = fingerprint;
        this.count += 1;
        return true;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    this.count = 0;
    for (const fingerprint of old) if (fingerprint !== 0) this.add(fingerprint);
  }
}
