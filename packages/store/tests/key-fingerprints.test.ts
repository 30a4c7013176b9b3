// Fingerprints of idempotency keys and the set that holds them: what the writer relies on is that a key it
// wrote is always found (no false negative) and that distinct keys rarely share a fingerprint.
import { describe, expect, it } from 'vitest';
import { FingerprintSet, fingerprintOf } from '../src/core/index.js';

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
});

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

  it('while a growth is moved over bit by bit, still finds every fingerprint and refuses each one again', () => {
    const set = new FingerprintSet();
    const added = Array.from({ length: 20_000 }, (_, i) => fingerprintOf(`k-${i}`));
    for (const [index, fingerprint] of added.entries()) {
      expect(set.add(fingerprint)).toBe(true);
      // Fingerprints added long before (still in the outgrown table, or already moved) and just before.
      for (const earlier of [0, index >> 1, index - 1]) {
        if (earlier < 0) continue;
        expect(set.has(added[earlier] as number)).toBe(true);
        expect(set.add(added[earlier] as number)).toBe(false);
      }
      expect(set.size).toBe(index + 1);
    }
    expect(added.every((fingerprint) => set.has(fingerprint))).toBe(true);
  });

  it('frees its outgrown table through lookups alone once nothing more is added', () => {
    const set = new FingerprintSet();
    const added = Array.from({ length: 13 }, (_, i) => fingerprintOf(`k-${i}`));
    for (const fingerprint of added) set.add(fingerprint);
    // 13 fingerprints outgrew the first table of 16 slots: both tables are held while the move runs.
    expect(set.bytes).toBe((16 + 32) * 8);
    for (let lookup = 0; lookup < 2; lookup += 1) expect(set.has(fingerprintOf('absent'))).toBe(false);
    expect(set.bytes).toBe(32 * 8);
    expect(added.every((fingerprint) => set.has(fingerprint))).toBe(true);
  });

  it('holds fingerprints whose low bits are alike (they share slots and probe past each other)', () => {
    const alike = Array.from({ length: 1_000 }, (_, i) => (i + 1) * 2 ** 32 + 5);
    const set = FingerprintSet.of(alike);
    expect(alike.every((fingerprint) => set.has(fingerprint))).toBe(true);
    expect(set.has(5)).toBe(false);
  });
});
