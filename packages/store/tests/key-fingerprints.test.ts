// Fingerprints of idempotency keys and the set that holds them: what the writer relies on is that a key it
// wrote is always found (no false negative) and that distinct keys rarely share a fingerprint.
import { describe, expect, it } from 'vitest';
import { aReading } from '@tributary/contracts/testing';
import {
  FingerprintSet,
  fingerprintOf,
  fingerprintOfJoined,
  rowFingerprintOf,
  rowKeyOf,
} from '../src/core/index.js';

describe('key fingerprints', () => {
  it('are safe integers, never 0, equal for equal keys', () => {
    for (const key of ['', 'a', 'sim-0001/m-1/temperature', 'ü\u0000😀']) {
      const fingerprint = fingerprintOf(key);
      expect(Number.isSafeInteger(fingerprint) && fingerprint > 0).toBe(true);
      expect(fingerprintOf(key.slice())).toBe(fingerprint);
    }
  });

  it('do not collide over a million keys of one fleet (device × message × metric)', () => {
    const seen = new Set<number>();
    for (let device = 0; device < 1_000; device += 1) {
      for (let message = 0; message < 500; message += 1) {
        seen.add(fingerprintOf(`sim-${device}/m-${message}/temperature`));
        seen.add(fingerprintOf(`sim-${device}/m-${message}/humidity`));
      }
    }
    expect(seen.size).toBe(1_000_000);
  });

  it('of parts are those of the parts joined, as if the key were built', () => {
    const parts = ['', 'a', 'sim-0001', 'ü\u0000😀', '\uD800', 'c-3f1e9c2a-8b7d-4e21-9f0a-1b2c3d4e5f60#499'];
    for (const first of parts) {
      for (const second of parts) {
        for (const separator of ['/', '', '::']) {
          expect(fingerprintOfJoined([first, second, first], separator)).toBe(
            fingerprintOf([first, second, first].join(separator)),
          );
        }
      }
    }
    const reading = aReading({ thing_name: 'pump-7', message_id: 'c-1#42', metric: 'temperature' });
    expect(rowFingerprintOf('telemetry', reading)).toBe(fingerprintOf(rowKeyOf('telemetry', reading)));
  });
});

/**
 * Distinct for distinct i below 2^32 (its low 32 bits are i times an odd number, a bijection), the top 21 bits
 * spread too; never 0.
 */
const distinctFingerprint = (i: number): number =>
  (Math.imul(i ^ 0x5bd1e995, 0x85ebca6b) >>> 11) * 2 ** 32 + (Math.imul(i, 0x9e3779b1) >>> 0);

describe('FingerprintSet', () => {
  it('finds every fingerprint added, across growth, and no other', () => {
    const set = new FingerprintSet();
    const added = Array.from({ length: 50_000 }, (_, i) => fingerprintOf(`k-${i}`));
    for (const fingerprint of added) expect(set.add(fingerprint)).toBe(true);
    expect(set.add(added[7] as number)).toBe(false);
    expect(set.size).toBe(50_000);
    expect(added.every((fingerprint) => set.has(fingerprint))).toBe(true);
    const others = Array.from({ length: 50_000 }, (_, i) => fingerprintOf(`other-${i}`));
    expect(others.filter((fingerprint) => set.has(fingerprint))).toEqual([]);
  });

  it('past 262,144 fingerprints, merges them into buckets bit by bit and still finds every one, and no other', () => {
    const set = new FingerprintSet();
    const added = Array.from({ length: 3 * 2 ** 18 + 1_000 }, (_, i) => distinctFingerprint(i));
    for (const [index, fingerprint] of added.entries()) {
      if (!set.add(fingerprint)) expect.fail(`fingerprint ${index} was refused as held`);
      // Every thousandth add: fingerprints long merged, being merged, and just added are found and refused.
      if (index % 1_000 !== 0) continue;
      for (const earlier of [0, index >> 1, index - 2 ** 18, index - 1]) {
        if (earlier < 0) continue;
        expect(set.has(added[earlier] as number)).toBe(true);
        expect(set.add(added[earlier] as number)).toBe(false);
      }
      expect(set.size).toBe(index + 1);
    }
    expect(added.every((fingerprint) => set.has(fingerprint))).toBe(true);
    const others = Array.from({ length: 100_000 }, (_, i) => distinctFingerprint(i + added.length));
    expect(others.filter((fingerprint) => set.has(fingerprint))).toEqual([]);
  });

  it('holds millions in ~5 bytes each once merged, and a merge ends through lookups alone', () => {
    const set = FingerprintSet.of(Array.from({ length: 4 * 2 ** 20 }, (_, i) => distinctFingerprint(i)));
    // The fourth 2^20 just filled the table: its merge is under way, with the buckets it builds.
    const whileMerging = set.bytes;
    for (let lookup = 0; lookup < 20_000; lookup += 1) set.has(distinctFingerprint(-1 - lookup));
    // 2^22 in buckets (16 MB), their starts (1 MB) and the next, empty table (4 MB); the old table of
    // doubles held 2^22 in 64 MB.
    expect(set.bytes).toBe(2 ** 22 * 4 + (2 ** 18 + 1) * 4 + 2 ** 19 * 8);
    expect(whileMerging).toBeGreaterThan(set.bytes);
    expect(set.size).toBe(2 ** 22);
    expect(set.has(distinctFingerprint(2 ** 22 - 1))).toBe(true);
  });

  it('in buckets, tells fingerprints apart by their top 18 and low 32 bits', () => {
    // The first and last buckets, and low bits all 0 or all 1, beside fingerprints spread over all of them.
    const edges = [1, 2 ** 32, 2 ** 35 - 1, 2 ** 53 - 2 ** 35, 2 ** 53 - 1, 2 ** 53 - 2 ** 32];
    const set = FingerprintSet.of([
      ...edges,
      ...Array.from({ length: 2 ** 18 - edges.length }, (_, i) => distinctFingerprint(i)),
    ]);
    for (let lookup = 0; lookup < 5_000; lookup += 1) set.has(1);
    expect(set.bytes).toBe(2 ** 18 * 4 + (2 ** 18 + 1) * 4 + 2 ** 19 * 8);
    expect(edges.filter((fingerprint) => !set.has(fingerprint))).toEqual([]);
    const held = distinctFingerprint(7);
    const lowBitFlipped = held % 2 === 0 ? held + 1 : held - 1;
    const otherBucket = held < 2 ** 52 ? held + 2 ** 52 : held - 2 ** 52;
    expect([held, lowBitFlipped, otherBucket].map((fingerprint) => set.has(fingerprint))).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('holds fingerprints whose low bits are alike (they share slots and probe past each other)', () => {
    const alike = Array.from({ length: 1_000 }, (_, i) => (i + 1) * 2 ** 32 + 5);
    const set = FingerprintSet.of(alike);
    expect(alike.every((fingerprint) => set.has(fingerprint))).toBe(true);
    expect(set.has(5)).toBe(false);
  });
});
