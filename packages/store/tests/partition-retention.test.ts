// Retention per table: the planner picks only partitions whose whole hour is older than the table's
// retention, and the sweeper removes exactly those from a real lake directory.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultLakeRetentionDays, LakeRetentionDays, partitionPathFor } from '@tributary/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expiredPartitions, lakePartitionOf, type LakePartition } from '../src/core/index.js';
import { partitionsIn, sweepExpiredPartitions } from '../src/local/index.js';

const day = 86_400_000;
const now = Date.UTC(2026, 10, 25, 12, 30);
const partitionAt = (table: 'telemetry' | 'telemetry_1m' | 'telemetry_1h' | 'anomalies', at: number) =>
  lakePartitionOf(partitionPathFor(table, at)) as LakePartition;

describe('expiredPartitions', () => {
  it('expires a partition only once its whole hour is older than the table’s retention', () => {
    const cutoff = now - 30 * day; // telemetry keeps 30 days
    const endsAtCutoff = partitionAt('telemetry', cutoff - 3_600_000 - 1); // hour ended before the cutoff
    const holdsCutoff = partitionAt('telemetry', cutoff); // hour still has rows younger than 30 days
    const expired = expiredPartitions(now, [endsAtCutoff, holdsCutoff], defaultLakeRetentionDays);
    expect(expired).toEqual([endsAtCutoff]);
  });

  it('applies each table its own retention: raw readings go first, their rollups stay', () => {
    const fortyDaysAgo = now - 40 * day;
    const partitions = (['telemetry', 'telemetry_1m', 'telemetry_1h', 'anomalies'] as const).map((table) =>
      partitionAt(table, fortyDaysAgo),
    );
    expect(expiredPartitions(now, partitions, defaultLakeRetentionDays).map((p) => p.table)).toEqual([
      'telemetry',
    ]);
    const shorter = LakeRetentionDays.parse({ telemetry_1m: 7 });
    expect(expiredPartitions(now, partitions, shorter).map((p) => p.table)).toEqual([
      'telemetry',
      'telemetry_1m',
    ]);
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

describe('sweepExpiredPartitions', () => {
  let lakeDir: string;
  beforeEach(async () => {
    lakeDir = await mkdtemp(join(tmpdir(), 'tributary-retention-'));
  });
  afterEach(() => rm(lakeDir, { recursive: true, force: true }));

  async function aPartition(
    table: 'telemetry' | 'telemetry_1m' | 'telemetry_1h',
    at: number,
  ): Promise<string> {
    const path = partitionPathFor(table, at);
    await mkdir(join(lakeDir, path), { recursive: true });
    await writeFile(join(lakeDir, path, 'part-1.parquet'), 'not read by the sweeper');
    return path;
  }

  it('removes the expired partitions of each table and keeps every other file', async () => {
    const oldReadings = await aPartition('telemetry', now - 31 * day);
    const recentReadings = await aPartition('telemetry', now - 29 * day);
    const oldMinutes = await aPartition('telemetry_1m', now - 31 * day);
    const oldHours = await aPartition('telemetry_1h', now - 31 * day);
    await mkdir(join(lakeDir, '_catalog'));
    await writeFile(join(lakeDir, '_catalog', 'telemetry.json'), '{}');
    await mkdir(join(lakeDir, 'telemetry', 'notes'));

    const result = await sweepExpiredPartitions(lakeDir, now);

    expect(result.removed).toEqual([oldReadings]);
    const remaining = (await partitionsIn(lakeDir)).map((p) => p.partitionPath).sort();
    expect(remaining).toEqual([recentReadings, oldHours, oldMinutes].sort());
    expect((await readdir(lakeDir)).sort()).toEqual([
      '_catalog',
      'telemetry',
      'telemetry_1h',
      'telemetry_1m',
    ]);
    expect(await readdir(join(lakeDir, 'telemetry'))).toContain('notes');
  });

  it('finishes what an interrupted sweep renamed but did not delete', async () => {
    await mkdir(join(lakeDir, '_expired', 'left-over'), { recursive: true });
    await writeFile(join(lakeDir, '_expired', 'left-over', 'part-1.parquet'), 'x');
    expect(await sweepExpiredPartitions(lakeDir, now)).toEqual({ removed: [] });
    expect(await readdir(lakeDir)).toEqual([]);
  });
});
