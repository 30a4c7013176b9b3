// The writer's memory of written keys: whole partitions, least recently used forgotten first, never more
// keys than its bound, a partition alone over the bound never held but marked, and the two partitions one
// check needs never forgetting each other in turn.
import { describe, expect, it } from 'vitest';
import { FingerprintSet, WrittenKeysByPartition, type KeyCheck } from '../src/core/index.js';

const setOf = (...keys: number[]) => FingerprintSet.of(keys);
const heldOf = (keys: WrittenKeysByPartition, partitionPath: string, candidates: readonly number[]) =>
  candidates.filter((key) => keys.keysOf(partitionPath)?.has(key));
/** A check writing to the partition, with an hour before no test here holds. */
const writing = (written: string): KeyCheck => ({
  table: 'telemetry',
  written,
  alsoChecked: [`${written}-before`],
});

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
    const check: KeyCheck = { table: 'telemetry', written: 'h1', alsoChecked: ['h0'] };
    keys.hold('h1', setOf(1, 2, 3), check);
    keys.hold('h0', setOf(10, 11, 12), check);
    expect([keys.keysOf('h0'), keys.isCheckedAgainstFiles('h0')]).toEqual([undefined, true]);
    expect(heldOf(keys, 'h1', [1, 2, 3, 10])).toEqual([1, 2, 3]);
    expect(keys.size).toBe(3);
  });

  it('marks the hour before, rather than forgetting it, when the partition written grows past room for both', () => {
    const keys = new WrittenKeysByPartition(5);
    const check: KeyCheck = { table: 'telemetry', written: 'h1', alsoChecked: ['h0'] };
    keys.hold('h0', setOf(10, 11), check);
    keys.hold('h1', setOf(1, 2), check);
    keys.keysOf('h0');
    keys.addWritten(check, [3, 4]);
    expect([keys.keysOf('h0'), keys.isCheckedAgainstFiles('h0')]).toEqual([undefined, true]);
    expect(heldOf(keys, 'h1', [1, 2, 3, 4, 10])).toEqual([1, 2, 3, 4]);
    expect(keys.size).toBe(4);
  });

  it('forgets the partitions no check uses before marking any in use', () => {
    const keys = new WrittenKeysByPartition(6);
    keys.hold('t/h-5', setOf(1, 2), writing('t/h-5'));
    const check: KeyCheck = { table: 'telemetry', written: 't/h1', alsoChecked: ['t/h0'] };
    keys.hold('t/h1', setOf(3, 4), check);
    keys.hold('t/h0', setOf(5, 6), check);
    keys.addWritten(check, [7]);
    expect([keys.keysOf('t/h-5'), keys.isCheckedAgainstFiles('t/h-5')]).toEqual([undefined, false]);
    expect(heldOf(keys, 't/h0', [5, 6])).toEqual([5, 6]);
    expect(heldOf(keys, 't/h1', [3, 4, 7])).toEqual([3, 4, 7]);
  });

  it("marks an hour before in use, then another table's partition being written, never the one the check writes", () => {
    const keys = new WrittenKeysByPartition(10);
    const telemetry: KeyCheck = { table: 'telemetry', written: 't/h1', alsoChecked: ['t/h0'] };
    const shadows: KeyCheck = { table: 'shadow_history', written: 's/h1', alsoChecked: ['s/h0'] };
    keys.hold('t/h1', setOf(1, 2, 3, 4), telemetry);
    keys.hold('t/h0', setOf(5, 6, 7), telemetry);
    keys.hold('s/h1', setOf(10, 11, 12, 13), shadows);
    expect([keys.isCheckedAgainstFiles('t/h0'), keys.isCheckedAgainstFiles('t/h1'), keys.size]).toEqual([
      true,
      false,
      8,
    ]);
    keys.addWritten(shadows, [14, 15, 16]);
    expect([keys.isCheckedAgainstFiles('t/h1'), keys.isCheckedAgainstFiles('s/h1'), keys.size]).toEqual([
      true,
      false,
      7,
    ]);
  });

  it('does not read the hour before when its files hold more keys than fit beside the partition written', () => {
    const keys = new WrittenKeysByPartition(10);
    const check: KeyCheck = { table: 'telemetry', written: 't/h1', alsoChecked: ['t/h0'] };
    keys.hold('t/h1', setOf(1, 2, 3, 4, 5, 6), check);
    expect([keys.roomFor('t/h1', check), keys.roomFor('t/h0', check)]).toEqual([10, 4]);
  });
});
