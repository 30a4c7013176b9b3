// LakeWriter.flushed(): the promise the telemetry stream waits for before it checkpoints, so it must
// resolve only once the rows are in Parquet files, and never while writing them fails (ENOSPC).
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aReading } from '@tributary/contracts/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LakeWriter } from '../src/local/index.js';

let lakeDir: string;
let writer: LakeWriter;

beforeEach(async () => {
  lakeDir = await mkdtemp(join(tmpdir(), 'tributary-flushed-'));
  writer = await LakeWriter.open({ lakeDir, flushIntervalMs: 60_000 });
});
afterEach(async () => {
  await writer.close();
  await rm(lakeDir, { recursive: true, force: true });
});

const settled = async (promise: Promise<void>): Promise<boolean> => {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setTimeout(resolve, 20));
  return done;
};

const parquetFilesUnder = async (directory: string) =>
  (await readdir(directory, { recursive: true })).filter((name) => name.endsWith('.parquet'));

describe('LakeWriter.flushed', () => {
  it('resolves only after a flush has written every row appended before it was asked', async () => {
    writer.append('telemetry', [aReading({ message_id: 'a' })]);
    const durable = writer.flushed();
    expect(await settled(durable)).toBe(false);
    await writer.flush();
    await durable;
    expect(await parquetFilesUnder(join(lakeDir, 'telemetry'))).toHaveLength(1);
  });

  it('resolves at once when nothing appended is waiting to be written', async () => {
    expect(await settled(writer.flushed())).toBe(true);
    writer.append('telemetry', [aReading()]);
    await writer.flush();
    expect(await settled(writer.flushed())).toBe(true);
  });

  it('resolves after the timed flush, without an explicit one', async () => {
    const timed = await LakeWriter.open({ lakeDir, flushIntervalMs: 20 });
    try {
      timed.append('telemetry', [aReading({ message_id: 'timed' })]);
      await timed.flushed();
      expect(timed.stats.rowsWritten.telemetry).toBe(1);
    } finally {
      await timed.close();
    }
  });

  it('takes a row written by a fast timed flush as durable only once its rollups are written too', async () => {
    // Timed flushes every 20 ms; their rollups are never due within the test.
    const timed = await LakeWriter.open({ lakeDir, flushIntervalMs: 20, rollupIntervalMs: 3_600_000 });
    try {
      timed.append('telemetry', [aReading({ message_id: 'fresh' })]);
      const durable = timed.flushed();
      while (timed.stats.rowsWritten.telemetry === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await parquetFilesUnder(join(lakeDir, 'telemetry'))).toHaveLength(1);
      // Not durable before its partials are in the rollup tables: a redelivery after a crash would be dropped
      // as written while its partials were never counted.
      expect(await settled(durable)).toBe(false);
      expect(timed.stats.rowsWritten.telemetry_1m).toBe(0);
      await timed.flush();
      await durable;
      expect(timed.stats.rowsWritten.telemetry_1m).toBe(1);
      expect(timed.stats.rowsWritten.telemetry_1h).toBe(1);
    } finally {
      await timed.close();
    }
  });

  it('keeps waiting while the lake cannot be written, and resolves once a flush succeeds', async () => {
    // A file where the partition directory must go makes every write fail, as a full disk would.
    await mkdir(join(lakeDir, 'telemetry'), { recursive: true });
    const blocker = join(lakeDir, 'telemetry', 'year=2026');
    await writeFile(blocker, 'not a directory');
    writer.append('telemetry', [aReading({ message_id: 'blocked' })]);
    const durable = writer.flushed();
    await expect(writer.flush()).rejects.toMatchObject({ code: 'WRITE_FAILED' });
    await expect(writer.flush()).rejects.toMatchObject({ code: 'WRITE_FAILED' });
    expect(await settled(durable)).toBe(false);
    expect(writer.stats).toMatchObject({
      bufferedRows: 1,
      lastFlushError: expect.stringContaining('year=2026'),
    });

    await rm(blocker);
    await writer.flush();
    await durable;
    expect(writer.stats).toMatchObject({ bufferedRows: 0, rowsWritten: { telemetry: 1 } });
  });

  it('appendWhenRoom waits, instead of refusing, while the buffer is full of rows it cannot write, and buffers them once a flush succeeds', async () => {
    const small = await LakeWriter.open({ lakeDir, flushIntervalMs: 60_000, maxBufferedRows: 2 });
    try {
      await mkdir(join(lakeDir, 'telemetry'), { recursive: true });
      const blocker = join(lakeDir, 'telemetry', 'year=2026');
      await writeFile(blocker, 'not a directory');
      small.append('telemetry', [aReading({ message_id: 'a' }), aReading({ message_id: 'b' })]);
      expect(() => small.append('telemetry', [aReading({ message_id: 'c' })])).toThrow(/limit 2/);
      const waiting = small.appendWhenRoom('telemetry', [aReading({ message_id: 'c' })]);
      await expect(small.flush()).rejects.toMatchObject({ code: 'WRITE_FAILED' });
      expect(await settled(waiting)).toBe(false);

      await rm(blocker);
      await small.flush();
      await waiting;
      await small.flush();
      expect(small.stats.rowsWritten.telemetry).toBe(3);
    } finally {
      await small.close();
    }
  });

  it('appendWhenRoom takes more rows than the buffer holds, in parts, each once a flush made room for it', async () => {
    // The interval never fires here: the flushes are the ones each part past half the buffer starts.
    const small = await LakeWriter.open({ lakeDir, flushIntervalMs: 60_000, maxBufferedRows: 10 });
    try {
      const batch = Array.from({ length: 35 }, (_, i) => aReading({ message_id: `m-${i}` }));
      await small.appendWhenRoom('telemetry', batch);
      await small.flush();
      expect(small.stats.rowsWritten.telemetry).toBe(35);
      expect(small.stats.filesWritten).toBeGreaterThanOrEqual(7);
    } finally {
      await small.close();
    }
  });

  it('appendWhenRoom refuses a batch with an invalid row before buffering any of it', async () => {
    const batch = [aReading({ message_id: 'a' }), { ...aReading({ message_id: 'b' }), value: 'hot' }];
    await expect(writer.appendWhenRoom('telemetry', batch as never)).rejects.toMatchObject({
      code: 'INVALID_ROW',
    });
    expect(writer.stats.bufferedRows).toBe(0);
  });
});
