// Retention per table, as the lake bucket's S3 lifecycle rules apply it: the planner picks the data files
// written longer ago than their table's retention, and the sweeper removes exactly those (and the hour
// partitions they leave empty) from a real lake directory, never under a running query.
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import {
  defaultLakeRetentionDays,
  LakeRetentionDays,
  partitionPathFor,
  type AnyLakeTableName,
} from '@tributary/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  dataFileName,
  expirationOf,
  expiredFiles,
  lakePartitionOf,
  writtenAtOf,
  type LakeDataFile,
} from '../src/core/index.js';
import { LakeFileGate, partitionsIn, sweepExpiredFiles } from '../src/local/index.js';

const day = 86_400_000;
const now = Date.UTC(2026, 10, 25, 12, 30);

describe('expiredFiles', () => {
  const fileOf = (table: AnyLakeTableName, writtenAt: number): LakeDataFile => ({
    table,
    path: `${partitionPathFor(table, writtenAt)}/${dataFileName(writtenAt, 'x')}`,
    writtenAt,
  });

  it('expires a file as an S3 lifecycle rule does: written + days, rounded up to the next midnight UTC', () => {
    // AWS's example: written 2014-01-15 10:30 UTC, expiring after 3 days → removed from 2014-01-19 00:00 UTC.
    expect(expirationOf(Date.UTC(2014, 0, 15, 10, 30), 3)).toBe(Date.UTC(2014, 0, 19));
    expect(expirationOf(Date.UTC(2014, 0, 15), 3)).toBe(Date.UTC(2014, 0, 18));
    const written = fileOf('telemetry', Date.UTC(2026, 9, 20, 10, 30));
    expect(expiredFiles(Date.UTC(2026, 10, 19, 23, 59), [written], defaultLakeRetentionDays)).toEqual([]);
    expect(expiredFiles(Date.UTC(2026, 10, 20), [written], defaultLakeRetentionDays)).toEqual([written]);
  });

  it('applies each table its own retention: raw readings go first, their rollups stay', () => {
    const files = (['telemetry', 'telemetry_1m', 'telemetry_1h', 'anomalies'] as const).map((table) =>
      fileOf(table, now - 40 * day),
    );
    expect(expiredFiles(now, files, defaultLakeRetentionDays).map((f) => f.table)).toEqual(['telemetry']);
    const shorter = LakeRetentionDays.parse({ telemetry_1m: 7 });
    expect(expiredFiles(now, files, shorter).map((f) => f.table)).toEqual(['telemetry', 'telemetry_1m']);
  });

  it('counts from when a file was written, not from the hour its rows belong to', () => {
    // A year of history imported today stays its 30 days, as the objects would in the lake bucket.
    const backfilled = {
      ...fileOf('telemetry', now),
      path: `${partitionPathFor('telemetry', now - 365 * day)}/f`,
    };
    expect(expiredFiles(now + 29 * day, [backfilled], defaultLakeRetentionDays)).toEqual([]);
    expect(expiredFiles(now + 31 * day, [backfilled], defaultLakeRetentionDays)).toEqual([backfilled]);
  });

  it('reads when a data file was written from its name, and nothing from another name', () => {
    const writtenAt = Date.UTC(2026, 10, 25, 5, 15, 30, 123);
    expect(writtenAtOf(dataFileName(writtenAt, 'compacted-0d5e'))).toBe(writtenAt);
    expect(writtenAtOf('part-20261125T051530123Z-a.parquet.tmp')).toBeUndefined();
    expect(writtenAtOf('notes.parquet')).toBeUndefined();
  });

  it('takes the defaults the issue names, and refuses a retention that is not a whole number of days', () => {
    expect(defaultLakeRetentionDays).toEqual({
      telemetry: 30,
      anomalies: 365,
      quarantine: 30,
      shadow_history: 365,
      lifecycle_events: 90,
      telemetry_1m: 90,
      telemetry_1h: 730,
    });
    expect(LakeRetentionDays.safeParse({ telemetry: 0 }).success).toBe(false);
    expect(LakeRetentionDays.safeParse({ anomalies: 1.5 }).success).toBe(false);
  });
});

describe('lakePartitionOf', () => {
  it('reads only the partition paths the lake writes', () => {
    expect(lakePartitionOf('telemetry/year=2026/month=11/day=25/hour=05')).toEqual({
      table: 'telemetry',
      partitionPath: 'telemetry/year=2026/month=11/day=25/hour=05',
      hourStart: Date.UTC(2026, 10, 25, 5),
    });
    for (const path of [
      'telemetry/year=2026/month=13/day=25/hour=05',
      'telemetry/year=2026/month=02/day=30/hour=05',
      'telemetry/year=2026/month=11/day=25/hour=24',
      'unknown/year=2026/month=11/day=25/hour=05',
      'telemetry/year=2026/month=11/day=25',
      '../telemetry/year=2026/month=11/day=25/hour=05',
    ]) {
      expect(lakePartitionOf(path)).toBeUndefined();
    }
  });
});

describe('sweepExpiredFiles', () => {
  let lakeDir: string;
  beforeEach(async () => {
    lakeDir = await mkdtemp(join(tmpdir(), 'tributary-retention-'));
  });
  afterEach(() => rm(lakeDir, { recursive: true, force: true }));

  /** A data file of `table` written at `writtenAt` into the hour partition of `hourAt` (default: the same). */
  async function aFile(table: AnyLakeTableName, writtenAt: number, hourAt = writtenAt): Promise<string> {
    const path = `${partitionPathFor(table, hourAt)}/${dataFileName(writtenAt, randomUUID())}`;
    await mkdir(join(lakeDir, dirname(path)), { recursive: true });
    await writeFile(join(lakeDir, path), 'not read by the sweeper');
    return path;
  }

  it('removes the expired files of each table, the partitions they leave empty, and nothing else', async () => {
    const oldReadings = await aFile('telemetry', now - 31 * day);
    const recentReadings = await aFile('telemetry', now - 29 * day);
    const oldMinutes = await aFile('telemetry_1m', now - 31 * day);
    const oldHours = await aFile('telemetry_1h', now - 31 * day);
    // An old file beside a recent one in the same hour (an import, then a later one): the partition stays.
    const oldBackfill = await aFile('telemetry', now - 31 * day, now - 60 * day);
    const recentBackfill = await aFile('telemetry', now - day, now - 60 * day);
    const beingWritten = `${partitionPathFor('telemetry', now - 90 * day)}/part-20260101T000000000Z-a.parquet.tmp`;
    await mkdir(join(lakeDir, dirname(beingWritten)), { recursive: true });
    await writeFile(join(lakeDir, beingWritten), 'a temp file of a writer');
    await mkdir(join(lakeDir, '_catalog'));
    await writeFile(join(lakeDir, '_catalog', 'telemetry.json'), '{}');
    await mkdir(join(lakeDir, 'telemetry', 'notes'));

    const result = await sweepExpiredFiles(lakeDir, now);

    expect([...result.removed].sort()).toEqual([oldReadings, oldBackfill].sort());
    const remaining = (await readdir(lakeDir, { recursive: true })).filter((name) => name.includes('part-'));
    expect(remaining.sort()).toEqual(
      [recentReadings, oldMinutes, oldHours, recentBackfill, beingWritten].sort(),
    );
    // The old hour's partition, and its day, month and year directories, had nothing else: gone.
    await expect(readdir(join(lakeDir, dirname(oldReadings)))).rejects.toThrow(/ENOENT/);
    expect((await readdir(lakeDir)).sort()).toEqual([
      '_catalog',
      'telemetry',
      'telemetry_1h',
      'telemetry_1m',
    ]);
    expect(await readdir(join(lakeDir, 'telemetry'))).toContain('notes');
  });

  it('moves a file out of its table only once the queries holding the gate have finished', async () => {
    const oldReadings = await aFile('telemetry', now - 31 * day);
    const gate = new LakeFileGate();
    let endQuery!: () => void;
    const query = gate.shared(() => new Promise<void>((resolve) => (endQuery = resolve)));

    const sweep = sweepExpiredFiles(lakeDir, now, defaultLakeRetentionDays, gate);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await readdir(join(lakeDir, dirname(oldReadings)))).toEqual([basename(oldReadings)]);
    endQuery();
    await query;

    expect(await sweep).toEqual({ removed: [oldReadings] });
    expect(await partitionsIn(lakeDir)).toEqual([]);
  });

  it('finishes what an interrupted sweep renamed but did not delete', async () => {
    await mkdir(join(lakeDir, '_expired'), { recursive: true });
    await writeFile(join(lakeDir, '_expired', 'left-over'), 'x');
    expect(await sweepExpiredFiles(lakeDir, now)).toEqual({ removed: [] });
    expect(await readdir(lakeDir)).toEqual([]);
  });
});
