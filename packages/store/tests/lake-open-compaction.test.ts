// Compaction of the hours still being written, with a real LakeWriter, real DuckDB and real files: the
// writer's one file per flush becomes a few, so a query over the last hour does not open thousands of
// files; the writer goes on writing meanwhile, a query under the gate never sees a row missing or twice,
// and the keys the writer deduplicates by survive the merge.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { partitionPathFor } from '@tributary/contracts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LakeCompactor, LakeFileGate, LakeWriter } from '../src/local/index.js';
import {
  firstHour,
  hourMillis,
  lakeAnswerOf,
  lakeTableSource,
  readingsOf,
  writeSmallFiles,
} from './fixtures/small-files-lake.js';

let duckdb: DuckDBInstance;
let sql: DuckDBConnection;
let lakeDir: string;

const telemetryFilesOf = async (hour: number): Promise<string[]> =>
  (await readdir(join(lakeDir, partitionPathFor('telemetry', firstHour + hour * hourMillis))))
    .filter((name) => name.endsWith('.parquet'))
    .sort();

/** One minute into hour `hour` (from firstHour): that hour is open, and the one before within its grace. */
const oneMinuteInto = (hour: number) => firstHour + hour * hourMillis + 60_000;

beforeAll(async () => {
  duckdb = await DuckDBInstance.create(':memory:');
  sql = await duckdb.connect();
});
afterAll(() => {
  sql.closeSync();
  duckdb.closeSync();
});
beforeEach(async () => {
  lakeDir = await mkdtemp(join(tmpdir(), 'tributary-open-compaction-'));
});
afterEach(async () => {
  await rm(lakeDir, { recursive: true, force: true });
});

describe('LakeCompactor: the hours still being written', () => {
  it('merges the open hour and the one still in its grace period, and leaves closed hours to the hourly pass', async () => {
    await writeSmallFiles(lakeDir, { hours: 3, flushes: 6, readingsPerFlush: 10 });
    const answer = await lakeAnswerOf(sql, lakeDir);
    const compactor = await LakeCompactor.open({ lakeDir, graceMs: 120_000 });
    const pass = await compactor.compactOpenPartitions(oneMinuteInto(2));
    await compactor.close();

    // Hours 1 and 2, telemetry and its two rollups: 6 partitions of 6 files each.
    expect(pass).toMatchObject({ partitionsCompacted: 6, filesBefore: 36, filesAfter: 6 });
    expect(await telemetryFilesOf(0)).toHaveLength(6);
    expect(await telemetryFilesOf(1)).toHaveLength(1);
    expect(await telemetryFilesOf(2)).toHaveLength(1);
    expect(await lakeAnswerOf(sql, lakeDir)).toEqual(answer);
  });

  it('merges the files written since the last pass into the small merged file, and leaves one that reached half the target', async () => {
    await writeSmallFiles(lakeDir, { hours: 1, flushes: 4, readingsPerFlush: 10 });
    const writer = await LakeWriter.open({ lakeDir, flushIntervalMs: 3_600_000 });
    const compactor = await LakeCompactor.open({ lakeDir });
    await compactor.compactOpenPartitions(oneMinuteInto(0));
    const [firstMerge] = await telemetryFilesOf(0);
    for (const flushIndex of [10, 11, 12]) {
      writer.append('telemetry', readingsOf(0, flushIndex, 10));
      await writer.flush();
    }
    await compactor.compactOpenPartitions(oneMinuteInto(0));
    const merged = await telemetryFilesOf(0);
    expect(merged).toHaveLength(1);
    expect(merged).not.toContain(firstMerge);
    expect((await lakeAnswerOf(sql, lakeDir)).telemetryRows).toBe(70);

    // A merged file at half the open target or more is not rewritten to take in the next flushes.
    await compactor.close();
    const tinyTarget = await LakeCompactor.open({ lakeDir, openPartitionFileBytes: 2 });
    writer.append('telemetry', readingsOf(0, 20, 10));
    await writer.flush();
    writer.append('telemetry', readingsOf(0, 21, 10));
    await writer.close();
    expect(await tinyTarget.compactOpenPartitions(oneMinuteInto(0))).toMatchObject({ filesAfter: 0 });
    await tinyTarget.close();
    expect(await telemetryFilesOf(0)).toHaveLength(3);
  });

  it('keeps the keys the writer deduplicates by: a writer restarted after the merge writes a redelivery nowhere', async () => {
    await writeSmallFiles(lakeDir, { hours: 1, flushes: 5, readingsPerFlush: 8 });
    const compactor = await LakeCompactor.open({ lakeDir });
    await compactor.compactOpenPartitions(oneMinuteInto(0));
    await compactor.close();
    const answer = await lakeAnswerOf(sql, lakeDir);

    const restarted = await LakeWriter.open({ lakeDir, flushIntervalMs: 3_600_000 });
    for (let flushIndex = 0; flushIndex < 5; flushIndex += 1)
      restarted.append('telemetry', readingsOf(0, flushIndex, 8));
    await restarted.close();

    expect(restarted.stats).toMatchObject({ duplicatesSkipped: 40, filesWritten: 0 });
    expect(await lakeAnswerOf(sql, lakeDir)).toEqual(answer);
  });

  it('while the writer keeps writing and merges keep swapping, no query sees a row twice or loses one it saw', async () => {
    const gate = new LakeFileGate();
    // A small key memory makes the writer read keys back from the files being merged, under the gate.
    const writer = await LakeWriter.open({
      lakeDir,
      flushIntervalMs: 3_600_000,
      gate,
      maxRememberedKeys: 30,
    });
    const compactor = await LakeCompactor.open({ lakeDir, gate });
    const reader = await duckdb.connect();
    const source = lakeTableSource(lakeDir, 'telemetry');
    writer.append('telemetry', readingsOf(0, 0, 10));
    await writer.flush();
    const counts: { rows: number; keys: number }[] = [];
    let writing = true;
    const queries = (async () => {
      while (writing) {
        const reading = await gate.shared(() =>
          reader.runAndReadAll(
            `SELECT count(*)::INTEGER AS rows, count(DISTINCT message_id)::INTEGER AS keys FROM ${source}`,
          ),
        );
        counts.push(reading.getRowObjectsJS()[0] as { rows: number; keys: number });
      }
    })();
    const merges = (async () => {
      while (writing) await compactor.compactOpenPartitions(oneMinuteInto(0));
    })();
    const flushes = 40;
    for (let flushIndex = 1; flushIndex < flushes; flushIndex += 1) {
      // Every batch carries the previous one again, as a redelivery would.
      writer.append('telemetry', readingsOf(0, flushIndex - 1, 10));
      writer.append('telemetry', readingsOf(0, flushIndex, 10));
      await writer.flush();
    }
    writing = false;
    await Promise.all([queries, merges]);
    await writer.close();
    await compactor.close();
    reader.closeSync();

    expect(compactor.stats.filesBefore).toBeGreaterThan(0);
    expect(counts.length).toBeGreaterThan(5);
    for (const [index, count] of counts.entries()) {
      expect(count.rows).toBe(count.keys);
      if (index > 0) expect(count.rows).toBeGreaterThanOrEqual(counts[index - 1]!.rows);
    }
    expect((await lakeAnswerOf(sql, lakeDir)).telemetryRows).toBe(flushes * 10);
    expect(writer.stats.duplicatesSkipped).toBe((flushes - 1) * 10);
  });
});
