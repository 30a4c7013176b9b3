// The lake writer's exactly-once with bounded memory, with real DuckDB and real files: once the keys of a
// partition are forgotten to make room, or a partition holds more rows than the writer remembers keys, a
// redelivery into it is still written once — and counted once in the rollups.
import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { aReading } from '@tributary/contracts/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LakeCompactor, LakeWriter } from '../src/local/index.js';

const hourMs = 3_600_000;
const firstHour = Date.UTC(2026, 10, 25, 5, 0, 0);
/** A minute into the n-th hour after firstHour. */
const inHour = (n: number) => firstHour + n * hourMs + 60_000;

let lakeDir: string;
let duckdb: DuckDBConnection;
let writer: LakeWriter;

const openWriter = (maxRememberedKeys: number) =>
  LakeWriter.open({ lakeDir, flushIntervalMs: 60_000, maxRememberedKeys });

async function countOf(table: string, where = 'true'): Promise<number> {
  const reader = await duckdb.runAndReadAll(
    `SELECT count(*)::INT AS n FROM read_parquet('${lakeDir}/${table}/**/*.parquet') WHERE ${where}`,
  );
  return reader.getRowObjectsJS()[0]?.['n'] as number;
}

const readingsReceivedAt = (at: number, ids: readonly string[]) =>
  ids.map((id, i) => aReading({ message_id: id, received_at: at + i }));

/** Appends and flushes, so each call is one file in its partition. */
async function write(readings: ReturnType<typeof aReading>[]): Promise<void> {
  writer.append('telemetry', readings);
  await writer.flush();
}

beforeAll(async () => {
  duckdb = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(() => duckdb.closeSync());

beforeEach(async () => {
  lakeDir = await mkdtemp(join(tmpdir(), 'tributary-dedupe-'));
});
afterEach(async () => {
  await writer.close();
  await rm(lakeDir, { recursive: true, force: true });
});

describe('LakeWriter exactly-once with bounded memory', () => {
  it('writes a redelivery once after the keys of its partition were forgotten to make room', async () => {
    writer = await openWriter(4);
    await write(readingsReceivedAt(inHour(0), ['a', 'b']));
    // Two more partitions of two keys each (and the empty hours before them): hour 0 is forgotten.
    await write(readingsReceivedAt(inHour(3), ['c', 'd']));
    await write(readingsReceivedAt(inHour(6), ['e', 'f']));
    await write(readingsReceivedAt(inHour(0) + 10_000, ['a', 'g']));
    expect(await countOf('telemetry', "message_id = 'a'")).toBe(1);
    expect(await countOf('telemetry')).toBe(7);
    expect(writer.stats.duplicatesSkipped).toBe(1);
  });

  it('writes a resend into the next hour once after the keys of the hour before were forgotten', async () => {
    writer = await openWriter(4);
    await write(readingsReceivedAt(inHour(1) - 61_000, ['late']));
    await write(readingsReceivedAt(inHour(4), ['c', 'd']));
    await write(readingsReceivedAt(inHour(7), ['e', 'f']));
    await write(readingsReceivedAt(inHour(1), ['late']));
    expect(await countOf('telemetry', "message_id = 'late'")).toBe(1);
    expect(writer.stats.duplicatesSkipped).toBe(1);
  });

  it('reads neither hour back every flush once the hour being written and the hour before outgrow the bound together', async () => {
    writer = await openWriter(16);
    const hourBefore = Array.from({ length: 8 }, (_, i) => `h0-${i}`);
    await write(readingsReceivedAt(inHour(1) - 120_000, hourBefore));
    for (let flush = 0; flush < 3; flush += 1) {
      await write(
        readingsReceivedAt(
          inHour(1) + flush * 1_000,
          ['a', 'b', 'c'].map((k) => `h1-${flush}${k}`),
        ),
      );
    }
    // 8 + 9 keys: the two hours one check needs no longer fit beside each other; the hour written stays within it.
    for (let flush = 3; flush < 9; flush += 1) {
      await write(readingsReceivedAt(inHour(1) + flush * 1_000, [`h1-${flush}`, 'h0-0', 'h1-0a', 'h0-7']));
    }
    expect(writer.stats.keysReadFromFiles).toBe(0);
    expect(await countOf('telemetry')).toBe(8 + 9 + 6);
    expect(await countOf('telemetry', "message_id IN ('h0-0', 'h0-7', 'h1-0a')")).toBe(3);
    expect(writer.stats.duplicatesSkipped).toBe(6 * 3);
  });

  it('checks a partition with more rows than it remembers keys against its files, and counts each reading once in the rollups', async () => {
    writer = await openWriter(3);
    await write(readingsReceivedAt(inHour(0), ['a', 'b', 'c']));
    await write(readingsReceivedAt(inHour(0) + 10_000, ['d', 'e']));
    await write(readingsReceivedAt(inHour(0) + 20_000, ['b', 'e', 'f', 'f']));
    expect(await countOf('telemetry')).toBe(6);
    expect(writer.stats).toMatchObject({ duplicatesSkipped: 3, rowsWritten: { telemetry: 6 } });
    const rollups = await duckdb.runAndReadAll(
      `SELECT sum(reading_count)::INT AS n FROM read_parquet('${lakeDir}/telemetry_1h/**/*.parquet')`,
    );
    expect(rollups.getRowObjectsJS()[0]?.['n']).toBe(6);
  });

  it('checks such a partition against its files after a restart too, and a resend into the next hour', async () => {
    writer = await openWriter(100);
    await write(readingsReceivedAt(inHour(1) - 61_000, ['a', 'b', 'c', 'd']));
    await writer.close();
    writer = await openWriter(3);
    await write([
      ...readingsReceivedAt(inHour(0) + 10_000, ['a', 'x']),
      ...readingsReceivedAt(inHour(1), ['b', 'y']),
    ]);
    expect(await countOf('telemetry')).toBe(6);
    expect(writer.stats.duplicatesSkipped).toBe(2);
  });

  it('fails the flush and keeps its rows when a file of the partition cannot be read', async () => {
    writer = await openWriter(1_000_000);
    const ids = Array.from({ length: 60_000 }, (_, i) => `m-${i}`);
    await write(readingsReceivedAt(inHour(0), ids.slice(0, 10_000)));
    await write(readingsReceivedAt(inHour(0) + 20_000, ids.slice(10_000)));
    await writer.close();
    // Damage the message_id pages of the second file; its footer (and so its row count) stays readable.
    const partition = join(lakeDir, 'telemetry/year=2026/month=11/day=25/hour=05');
    const second = join(partition, (await readdir(partition)).sort()[1] as string);
    const chunk = await duckdb.runAndReadAll(
      `SELECT data_page_offset::BIGINT AS at, total_compressed_size::BIGINT AS size FROM parquet_metadata('${second}') ` +
        `WHERE path_in_schema = 'message_id'`,
    );
    const { at, size } = chunk.getRowObjectsJS()[0] as { at: bigint; size: bigint };
    const file = await open(second, 'r+');
    await file.write(Buffer.alloc(256, 0xa5), 0, 256, Number(at) + Number(size) - 300);
    await file.close();

    writer = await openWriter(1_000_000);
    writer.append('telemetry', readingsReceivedAt(inHour(0) + 30_000, ['m-59999']));
    await expect(writer.flush()).rejects.toThrow();
    expect(writer.stats).toMatchObject({ bufferedRows: 1, rowsWritten: { telemetry: 0 } });
    await rm(second);
  });

  it('reads the keys again from the files compaction merged, which hold the same rows', async () => {
    writer = await openWriter(4);
    await write(readingsReceivedAt(inHour(0), ['a', 'b']));
    await write(readingsReceivedAt(inHour(0) + 10_000, ['c']));
    await write(readingsReceivedAt(inHour(3), ['d', 'e']));
    await write(readingsReceivedAt(inHour(6), ['f', 'g']));
    const compactor = await LakeCompactor.open({ lakeDir, graceMs: 0 });
    try {
      const merged = await compactor.compactClosedPartitions(inHour(10));
      expect(merged.filesBefore).toBeGreaterThan(merged.filesAfter);
    } finally {
      await compactor.close();
    }
    await write(readingsReceivedAt(inHour(0) + 20_000, ['a', 'c', 'h']));
    expect(await countOf('telemetry')).toBe(8);
    expect(writer.stats.duplicatesSkipped).toBe(2);
  });
});
