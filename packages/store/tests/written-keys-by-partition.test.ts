// The writer's memory of written keys: whole partitions, least recently used forgotten first, never more
// keys than its bound, a partition alone over the bound never held but marked, and the two partitions one
// check needs never forgetting each other in turn.
import { describe, expect, it } from 'vitest';
import { FingerprintSet, WrittenKeysByPartition, type KeyCheck } from '../src/core/index.js';

const setOf = (...keys: number[]) => FingerprintSet.of(keys);
const heldOf = (keys: WrittenKeysByPartition, partitionPath: string, candidates: readonly number[]) =>
  candidates.filter((key) => keys.keysOf(partitionPath)?.has(key));
/** A check writing to the partition, with an hour before no test here holds. */
const writing = (written: string): KeyCheck => ({ written, alsoChecked: [`${written}-before`] });

describe('WrittenKeysByPartition', () => {
  it('holds every key of a partition or none of them', () => {
    const keys = new WrittenKeysByPartition(3);
    keys.hold('p1', setOf(1, 2), writing('p1'));
    keys.hold('p2', setOf(3, 4), writing('p2'));
    expect(keys.keysOf('p1')).toBeUndefined();
    expect(heldOf(keys, 'p2', [1, 2, 3, 4, 5])).toEqual([3, 4]);
    expect(keys.size).toBe(2);
  });

  it('forgets the least recently used partition first', () => {
    const keys = new WrittenKeysByPartition(4);
    keys.hold('p1', setOf(1), writing('p1'));
    keys.hold('p2', setOf(2), writing('p2'));
    keys.keysOf('p1');
    keys.hold('p3', setOf(3, 4, 5), writing('p3'));
    expect([keys.keysOf('p1') !== undefined, keys.keysOf('p2') !== undefined, keys.size]).toEqual([
      true,
      false,
      4,
    ]);
    expect(keys.isCheckedAgainstFiles('p2')).toBe(false);
  });

  it('adds keys written only to a partition it holds, and forgets others to stay within its bound', () => {
    const keys = new WrittenKeysByPartition(3);
    keys.hold('p1', setOf(1), writing('p1'));
    keys.hold('p2', setOf(2), writing('p2'));
    keys.addWritten(writing('p3'), [24]);
    expect(keys.keysOf('p3')).toBeUndefined();
    keys.addWritten(writing('p2'), [3, 3, 4]);
    expect(keys.keysOf('p1')).toBeUndefined();
    expect(heldOf(keys, 'p2', [1, 2, 3, 4, 5])).toEqual([2, 3, 4]);
    expect(keys.size).toBe(3);
  });

  it('marks a partition with more keys than its bound instead of holding part of it', () => {
    const keys = new WrittenKeysByPartition(2);
    keys.hold('p1', setOf(1, 2, 3), writing('p1'));
    expect([keys.keysOf('p1'), keys.isCheckedAgainstFiles('p1'), keys.size]).toEqual([undefined, true, 0]);
    keys.hold('p2', setOf(4, 5), writing('p2'));
    keys.addWritten(writing('p2'), [6]);
    expect([keys.keysOf('p2'), keys.isCheckedAgainstFiles('p2'), keys.size]).toEqual([undefined, true, 0]);
  });

  it('keeps the partition a check writes when the hour before does not fit beside it, and marks the hour before', () => {
    const keys = new WrittenKeysByPartition(5);
    const check: KeyCheck = { written: 'h1', alsoChecked: ['h0'] };
    keys.hold('h1', setOf(1, 2, 3), check);
    keys.hold('h0', setOf(10, 11, 12), check);
    expect([keys.keysOf('h0'), keys.isCheckedAgainstFiles('h0')]).toEqual([undefined, true]);
    expect(heldOf(keys, 'h1', [1, 2, 3, 10])).toEqual([1, 2, 3]);
    expect(keys.size).toBe(3);
  });

  it('marks the hour before, rather than forgetting it, when the partition written grows past room for both', () => {
    const keys = new WrittenKeysByPartition(5);
    const check: KeyCheck = { written: 'h1', alsoChecked: ['h0'] };
    keys.hold('h0', setOf(10, 11), check);
    keys.hold('h1', setOf(1, 2), check);
    keys.keysOf('h0');
    keys.addWritten(check, [3, 4]);
    expect([keys.keysOf('h0'), keys.isCheckedAgainstFiles('h0')]).toEqual([undefined, true]);
    expect(heldOf(keys, 'h1', [1, 2, 3, 4, 10])).toEqual([1, 2, 3, 4]);
    expect(keys.size).toBe(4);
  });
});
