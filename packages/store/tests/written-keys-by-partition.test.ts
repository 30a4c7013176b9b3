// The writer's memory of written keys: whole partitions, least recently used forgotten first, never more
// keys than its bound, and a partition alone over the bound never held but marked.
import { describe, expect, it } from 'vitest';
import { FingerprintSet, WrittenKeysByPartition } from '../src/core/index.js';

const setOf = (...keys: number[]) => FingerprintSet.of(keys);
const heldOf = (keys: WrittenKeysByPartition, partitionPath: string, candidates: readonly number[]) =>
  candidates.filter((key) => keys.keysOf(partitionPath)?.has(key));

describe('WrittenKeysByPartition', () => {
  it('holds every key of a partition or none of them', () => {
    const keys = new WrittenKeysByPartition(3);
    keys.hold('p1', setOf(1, 2));
    keys.hold('p2', setOf(3, 4));
    expect(keys.keysOf('p1')).toBeUndefined();
    expect(heldOf(keys, 'p2', [1, 2, 3, 4, 5])).toEqual([3, 4]);
    expect(keys.size).toBe(2);
  });

  it('forgets the least recently used partition first', () => {
    const keys = new WrittenKeysByPartition(4);
    keys.hold('p1', setOf(1));
    keys.hold('p2', setOf(2));
    keys.keysOf('p1');
    keys.hold('p3', setOf(3, 4, 5));
    expect([keys.keysOf('p1') !== undefined, keys.keysOf('p2') !== undefined, keys.size]).toEqual([
      true,
      false,
      4,
    ]);
  });

  it('adds keys written only to a partition it holds, and forgets others to stay within its bound', () => {
    const keys = new WrittenKeysByPartition(3);
    keys.hold('p1', setOf(1));
    keys.hold('p2', setOf(2));
    keys.addWritten('p3', [24]);
    expect(keys.keysOf('p3')).toBeUndefined();
    keys.addWritten('p2', [3, 3, 4]);
    expect(keys.keysOf('p1')).toBeUndefined();
    expect(heldOf(keys, 'p2', [1, 2, 3, 4, 5])).toEqual([2, 3, 4]);
    expect(keys.size).toBe(3);
  });

  it('marks a partition with more keys than its bound instead of holding part of it', () => {
    const keys = new WrittenKeysByPartition(2);
    keys.hold('p1', setOf(1, 2, 3));
    expect([keys.keysOf('p1'), keys.isTooLarge('p1'), keys.size]).toEqual([undefined, true, 0]);
    keys.hold('p2', setOf(4, 5));
    keys.addWritten('p2', [6]);
    expect([keys.keysOf('p2'), keys.isTooLarge('p2'), keys.size]).toEqual([undefined, true, 0]);
  });
});
