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
/**
 * Slots of the outgrown table moved into the new one per add or lookup. A growth is spread over the uses that
 * follow it instead of rehashing millions of slots at once (6M keys took 0.5 s, a pause of the whole event
 * loop); at this pace the move ends after a sixth of the adds that fill the new table to its next growth.
 * Lookups move slots too, so that a set no longer added to (the hour before, once the hour has turned) frees
 * its outgrown table all the same.
 */
const slotsMovedPerUse = 8;

/**
 * A set of fingerprints; it doubles once three quarters full, so it holds n of them in 11–21 × n bytes
 * (up to half as much again while a growth is being moved over).
 */
export class FingerprintSet {
  private slots: Float64Array;
  /** The table being moved into `slots` after a growth: it still holds every fingerprint it held then. */
  private outgrown: Float64Array | null = null;
  private nextSlotToMove = 0;
  private count = 0;

  constructor(expected = 0) {
    let slots = initialSlots;
    while (slots * 0.75 < expected) slots *= 2;
    this.slots = new Float64Array(slots);
  }

  static of(fingerprints: Iterable<number>): FingerprintSet {
    const all = [...fingerprints];
    const set = new FingerprintSet(all.length);
    for (const fingerprint of all) set.add(fingerprint);
    return set;
  }

  get size(): number {
    return this.count;
  }

  /** The memory its tables take: while a growth is being moved over, the outgrown table's too. */
  get bytes(): number {
    return this.slots.byteLength + (this.outgrown?.byteLength ?? 0);
  }

  has(fingerprint: number): boolean {
    if (this.outgrown) this.moveSome();
    return (
      slotOf(this.slots, fingerprint) >= 0 ||
      (this.outgrown !== null && slotOf(this.outgrown, fingerprint) >= 0)
    );
  }

  /** Adds it unless held; whether it was new. */
  add(fingerprint: number): boolean {
    if (this.outgrown) this.moveSome();
    const slot = slotOf(this.slots, fingerprint);
    if (slot >= 0 || (this.outgrown !== null && slotOf(this.outgrown, fingerprint) >= 0)) return false;
    if ((this.count + 1) * 4 > this.slots.length * 3) {
      this.grow();
      return this.add(fingerprint);
    }
    this.slots[-slot - 1] = fingerprint;
    this.count += 1;
    return true;
  }

  private grow(): void {
    // A move still under way finishes first; at slotsMovedPerUse it always has by now.
    while (this.outgrown) this.moveSome();
    this.outgrown = this.slots;
    this.nextSlotToMove = 0;
    this.slots = new Float64Array(this.outgrown.length * 2);
  }

  private moveSome(): void {
    const outgrown = this.outgrown as Float64Array;
    const end = Math.min(this.nextSlotToMove + slotsMovedPerUse, outgrown.length);
    for (let slot = this.nextSlotToMove; slot < end; slot += 1) {
      const fingerprint = outgrown[slot] as number;
      // Never already in the new table: add() puts only fingerprints the outgrown table lacks there.
      if (fingerprint !== 0) this.slots[-slotOf(this.slots, fingerprint) - 1] = fingerprint;
    }
    this.nextSlotToMove = end;
    if (end === outgrown.length) this.outgrown = null;
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
