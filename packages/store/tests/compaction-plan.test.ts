// The pure compaction plan: when a partition is closed to the writer, and which files merge together.
import { describe, expect, it } from 'vitest';
import {
  isClosedPartition,
  isDataFileName,
  lakePartitionOf,
  planFileMerges,
  planTieredMerges,
  type PartitionFile,
} from '../src/core/index.js';

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

describe('planTieredMerges', () => {
  const sizesOf = (groups: PartitionFile[][]) => groups.map((group) => group.map((f) => f.bytes / kb));

  it('merges a run of at least four files of one tier, and leaves a shorter run for a later pass', () => {
    const four = ['1', '2', '3', '4'].map((n) => file(`000${n}000`, 30 * kb));
    expect(sizesOf(planTieredMerges(four, 8192 * kb))).toEqual([[30, 30, 30, 30]]);
    expect(planTieredMerges(four.slice(0, 3), 8192 * kb)).toEqual([]);
  });

  it('does not rewrite an earlier, larger merge to take in a few new files', () => {
    const files = [
      file('0001000', 1200 * kb),
      ...['2', '3', '4', '5'].map((n) => file(`000${n}000`, 30 * kb)),
    ];
    expect(sizesOf(planTieredMerges(files, 8192 * kb))).toEqual([[30, 30, 30, 30]]);
  });

  it('merges only consecutive files of a tier, so a merged file holds one stretch of the hour', () => {
    const files = [
      ...['1', '2'].map((n) => file(`000${n}000`, 30 * kb)),
      file('0003000', 1200 * kb),
      ...['4', '5', '6'].map((n) => file(`000${n}000`, 30 * kb)),
    ];
    expect(planTieredMerges(files, 8192 * kb)).toEqual([]);
  });

  // An hour of passes every 10 s, each finding 20 new flush files: how many bytes the merges rewrite.
  const overAnHour = (flushFileBytes: number, plan: (files: PartitionFile[]) => PartitionFile[][]) => {
    let files: PartitionFile[] = [];
    let rewritten = 0;
    for (let pass = 0; pass < 360; pass += 1) {
      for (let flush = 0; flush < 20; flush += 1)
        files.push({
          name: `part-${String(pass * 100 + flush).padStart(8, '0')}.parquet`,
          bytes: flushFileBytes,
        });
      for (const group of plan(files)) {
        const bytes = group.reduce((sum, f) => sum + f.bytes, 0);
        rewritten += bytes;
        const merged = new Set(group);
        const at = files.findIndex((f) => merged.has(f));
        files = files.filter((f) => !merged.has(f));
        files.splice(at, 0, { name: group[0]!.name, bytes });
      }
    }
    return { rewrittenPerByte: rewritten / files.reduce((sum, f) => sum + f.bytes, 0), files: files.length };
  };
  const target = 8192 * kb;
  const everySmallFile = (files: PartitionFile[]) => planFileMerges(files, target);
  const tiered = (files: PartitionFile[]) => planTieredMerges(files, target);

  it('rewrites a small table’s hour a few times, not once per pass until it reaches half the target', () => {
    // A per-minute rollup's flush files: the hour's 36 MB reach half the target only after 40 passes.
    expect(overAnHour(5 * kb, everySmallFile).rewrittenPerByte).toBeGreaterThan(15);
    expect(overAnHour(5 * kb, tiered).rewrittenPerByte).toBeLessThan(6);
  });

  it('rewrites a busy table’s hour no more often, leaving a few dozen files for a query to open', () => {
    const busy = overAnHour(30 * kb, tiered);
    expect(busy.rewrittenPerByte).toBeLessThanOrEqual(overAnHour(30 * kb, everySmallFile).rewrittenPerByte);
    expect(busy.files).toBeLessThan(60);
  });
});
