// The writer's memory of written keys: whole partitions, least recently used forgotten first, never more
// keys than its bound, and a partition alone over the bound never held but marked.
import { describe, expect, it } from 'vitest';
import { WrittenKeysByPartition } from '../src/core/index.js';

describe('WrittenKeysByPartition', () => {
  it('holds every key of a partition or none of them', () => {
    const keys = new WrittenKeysByPartition(3);
    keys.hold('p1', new Set(['a', 'b']));
    keys.hold('p2', new Set(['c', 'd']));
    expect(keys.keysOf('p1')).toBeUndefined();
    expect([...(keys.keysOf('p2') ?? [])]).toEqual(['c', 'd']);
    expect(keys.size).toBe(2);
  });

  it('forgets the least recently used partition first', () => {
    const keys = new WrittenKeysByPartition(4);
    keys.hold('p1', new Set(['a']));
    keys.hold('p2', new Set(['b']));
    keys.keysOf('p1');
    keys.hold('p3', new Set(['c', 'd', 'e']));
    expect([keys.keysOf('p1') !== undefined, keys.keysOf('p2') !== undefined, keys.size]).toEqual([
      true,
      false,
      4,
    ]);
  });

  it('adds keys written only to a partition it holds, and forgets others to stay within its bound', () => {
    const keys = new WrittenKeysByPartition(3);
    keys.hold('p1', new Set(['a']));
    keys.hold('p2', new Set(['b']));
    keys.addWritten('p3', ['x']);
    expect(keys.keysOf('p3')).toBeUndefined();
    keys.addWritten('p2', ['c', 'c', 'd']);
    expect(keys.keysOf('p1')).toBeUndefined();
    expect([...(keys.keysOf('p2') ?? [])]).toEqual(['b', 'c', 'd']);
    expect(keys.size).toBe(3);
  });

  it('marks a partition with more keys than its bound instead of holding part of it', () => {
    const keys = new WrittenKeysByPartition(2);
    keys.hold('p1', new Set(['a', 'b', 'c']));
    expect([keys.keysOf('p1'), keys.isTooLarge('p1'), keys.size]).toEqual([undefined, true, 0]);
    keys.hold('p2', new Set(['d', 'e']));
    keys.addWritten('p2', ['f']);
    expect([keys.keysOf('p2'), keys.isTooLarge('p2'), keys.size]).toEqual([undefined, true, 0]);
  });
});
