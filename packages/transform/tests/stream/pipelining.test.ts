// A processor that takes a batch before its output is durable (the lake writes on a timer) returns
// `durable`: the shard hands it the next batches meanwhile, and checkpoints only what became durable, in
// order. Batches are bounded by bytes too, so a shard of batched readings hands over bounded work.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../src/local/stream/checkpoint-file.js';
import { ShardConsumer } from '../../src/local/stream/shard-consumer.js';
import { ShardLog } from '../../src/local/stream/shard-log.js';
import { envelope, numberOf, recordDeliveries, useOneShardStreams } from './stream-test-kit.js';

const streams = useOneShardStreams();
const { open, opened } = streams;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A durability a test settles by hand, like a lake flush that has not happened yet. */
function pendingDurability() {
  let settle: (error?: Error) => void = () => undefined;
  const durable = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });
  return { durable, settle };
}

describe('durable telemetry stream: batches taken before they are durable', () => {
  it('hands over the next batches while earlier ones wait to be durable, and checkpoints each once it is', async () => {
    const stream = await open({ maxBatchSize: 2 });
    for (const n of range(1, 6)) await stream.put(envelope('pump-7', n));
    const durabilities: ReturnType<typeof pendingDurability>[] = [];
    const consumer = recordDeliveries(stream, async () => {
      const pending = pendingDurability();
      durabilities.push(pending);
      return { batchItemFailures: [], durable: pending.durable };
    });
    // All three batches are taken though none is durable: the shard does not wait for the lake.
    await expect.poll(() => consumer.batches.length).toBe(3);
    expect(stream.processed).toBe(0);
    expect(stream.depth).toBe(6);
    durabilities[0]!.settle();
    await expect.poll(() => stream.processed).toBe(2);
    expect(stream.depth).toBe(4);
    durabilities[2]!.settle();
    // The third batch is durable but the second is not: no checkpoint may pass the second.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stream.processed).toBe(2);
    durabilities[1]!.settle();
    await expect.poll(() => stream.processed).toBe(6);
    expect(consumer.numbersOf('pump-7')).toEqual(range(1, 6));
  });

  it('waits for the oldest taken batch once maxBatchesAwaitingDurability are waiting', async () => {
    const stream = await open({ maxBatchSize: 1, maxBatchesAwaitingDurability: 2 });
    for (const n of range(1, 4)) await stream.put(envelope('pump-7', n));
    const durabilities: ReturnType<typeof pendingDurability>[] = [];
    const consumer = recordDeliveries(stream, async () => {
      const pending = pendingDurability();
      durabilities.push(pending);
      return { batchItemFailures: [], durable: pending.durable };
    });
    await expect.poll(() => consumer.batches.length).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(consumer.batches.length).toBe(2);
    durabilities[0]!.settle();
    await expect.poll(() => consumer.batches.length).toBe(3);
    durabilities.slice(1).forEach((pending) => pending.settle());
    await expect.poll(() => consumer.batches.length).toBe(4);
    durabilities[3]!.settle();
    await expect.poll(() => stream.processed).toBe(4);
  });

  it('writes one checkpoint for the batches one flush made durable together', async () => {
    const shardDir = join(streams.dir, 'shardId-000000000000');
    await mkdir(shardDir);
    const checkpoints: number[] = [];
    const log = await ShardLog.open({
      shardDir,
      segmentBytes: 1024 * 1024,
      logger: silentLogger,
      onDurable: (committed) => consumer.notifyRecords(committed),
    });
    const consumer = new ShardConsumer({
      shardId: 'shardId-000000000000',
      shardDir,
      log,
      checkpoint: 0,
      maxBatchSize: 2,
      maxBatchBytes: 1024 * 1024,
      maxBatchesAwaitingDurability: 4,
      maxAttempts: 3,
      recentRecordBytes: 1024 * 1024,
      logger: silentLogger,
      onCheckpoint: (records) => checkpoints.push(records),
      stopGraceMs: 1_000,
    });
    const flush = pendingDurability();
    let taken = 0;
    consumer.start({
      process: async (records) => {
        taken += records.length;
        return { batchItemFailures: [], durable: flush.durable };
      },
      deadLetter: async () => undefined,
    });
    await Promise.all(range(1, 6).map((n) => log.append(envelope('pump-7', n), Date.now())));
    await expect.poll(() => taken).toBe(6);
    flush.settle();
    await expect.poll(() => consumer.checkpoint).toBe(6);
    await consumer.stop();
    await log.close();
    // Three batches of two, made durable by one flush: one checkpoint write moved past all six.
    expect(checkpoints).toEqual([6]);
    expect(await readCheckpoint(shardDir)).toBe(6);
  });

  it('delivers again, from the checkpoint, every batch after one whose durability failed', async () => {
    const stream = await open({ maxBatchSize: 2 });
    for (const n of range(1, 6)) await stream.put(envelope('pump-7', n));
    let call = 0;
    const consumer = recordDeliveries(stream, async () => {
      call++;
      // The second batch's write fails after it was taken; the third had been taken meanwhile.
      const durable =
        call === 2
          ? new Promise<void>((_, reject) => setTimeout(() => reject(new Error('EIO')), 20))
          : undefined;
      return { batchItemFailures: [], ...(durable ? { durable } : {}) };
    });
    await expect.poll(() => stream.processed).toBe(6);
    expect(consumer.numbersOf('pump-7')).toEqual([1, 2, 3, 4, 5, 6, 3, 4, 5, 6]);
  });

  it('after a crash, delivers again the batches that were taken but never durable', async () => {
    const crashed = await open({ maxBatchSize: 2 });
    for (const n of range(1, 6)) await crashed.put(envelope('pump-7', n));
    let call = 0;
    const taken = recordDeliveries(crashed, async () => {
      call++;
      // The first batch becomes durable; the next two never do (the process dies before the flush).
      return {
        batchItemFailures: [],
        durable: call === 1 ? Promise.resolve() : new Promise(() => undefined),
      };
    });
    opened.splice(opened.indexOf(crashed), 1); // never stopped: "killed"
    await expect.poll(() => taken.batches.length).toBe(3);
    await expect.poll(() => crashed.processed).toBe(2);
    const restarted = await open();
    const consumer = recordDeliveries(restarted);
    await expect.poll(() => restarted.processed).toBe(4);
    expect(consumer.numbersOf('pump-7')).toEqual([3, 4, 5, 6]);
  });

  it('ends a batch before the record that would take it past maxBatchBytes, keeping at least one record', async () => {
    const stream = await open({ maxBatchSize: 500 });
    const big = (n: number) => ({
      ...envelope('pump-7', n),
      payload: Buffer.alloc(400 * 1024, n).toString('base64'), // 546 KiB of base64
    });
    for (const n of range(1, 5)) await stream.put(big(n));
    const consumer = recordDeliveries(stream);
    await expect.poll(() => stream.processed).toBe(5);
    // 1 MiB by default: one such record fits, two do not.
    expect(consumer.batches.map((batch) => batch.map(numberOf))).toEqual([[1], [2], [3], [4], [5]]);
  });
});
