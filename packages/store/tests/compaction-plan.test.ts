// The pure compaction plan: when a partition is closed to the writer, and which files merge together.
import { describe, expect, it } from 'vitest';
import { isClosedPartition, isDataFileName, lakePartitionOf, planFileMerges } from '../src/core/index.js';

const partition = lakePartitionOf('telemetry/year=2026/month=11/day=25/hour=05')!;
const hourEnd = Date.UTC(2026, 10, 25, 6);
const kb = 1024;
const file = (name: string, bytes: number) => ({ name: `part-20261125T05${name}Z-a.parquet`, bytes });

describe('isClosedPartition', () => {
  it('is closed only once its hour ended more than the grace period ago', () => {
    expect(isClosedPartition(partition, hourEnd - 1, 0)).toBe(false);
    expect(isClosedPartition(partition, hourEnd + 119_999, 120_000)).toBe(false);
    expect(isClosedPartition(partition, hourEnd + 120_000, 120_000)).toBe(true);
  });
});

describe('planFileMerges', () => {
  it('merges every small file into one group when they fit the target', () => {
    const files = [file('0003000', 10 * kb), file('0001000', 10 * kb), file('0002000', 10 * kb)];
    expect(planFileMerges(files, 1024 * kb).map((group) => group.map((f) => f.bytes))).toEqual([
      [10 * kb, 10 * kb, 10 * kb],
    ]);
    expect(planFileMerges(files, 1024 * kb)[0]!.map((f) => f.name)).toEqual(
      [...files].map((f) => f.name).sort(),
    );
  });

  it('splits groups at the target size, in write order, and leaves a lone file alone', () => {
    const files = ['01', '02', '03', '04', '05'].map((n) => file(`00${n}000`, 40 * kb));
    // 100 KB target: two files of 40 KB fit, a third would not; the fifth is alone.
    const groups = planFileMerges(files, 100 * kb);
    expect(groups.map((group) => group.map((f) => f.name))).toEqual([
      [files[0]!.name, files[1]!.name],
      [files[2]!.name, files[3]!.name],
    ]);
  });

  it('does not rewrite a file of half the target or more', () => {
    const files = [file('0001000', 600 * kb), file('0002000', 10 * kb), file('0003000', 10 * kb)];
    expect(
      planFileMerges(files, 1024 * kb)
        .flat()
        .map((f) => f.bytes),
    ).toEqual([10 * kb, 10 * kb]);
    expect(planFileMerges([file('0001000', 600 * kb), file('0002000', 10 * kb)], 1024 * kb)).toEqual([]);
  });
});

describe('isDataFileName', () => {
  it('accepts the names the writer and the compactor publish, nothing else', () => {
    expect(isDataFileName('part-20261125T051530123Z-0b9c4d1e-2f3a-4b5c-8d7e-1a2b3c4d5e6f.parquet')).toBe(
      true,
    );
    expect(isDataFileName('part-20261125T051530123Z-compacted-0b9c4d1e.parquet')).toBe(true);
    expect(isDataFileName('part-20261125T051530123Z-0b9c.parquet.tmp')).toBe(false);
    expect(isDataFileName('data_0.parquet')).toBe(false);
    expect(isDataFileName('../part-20261125T051530123Z-x.parquet')).toBe(false);
  });
});
