// What the durable stream keeps across restarts: the checkpoint (resume without redelivering what
// was finished), a torn tail cut off on open, retention of consumed segments, and replay like a
// Kinesis AT_TIMESTAMP / AT_SEQUENCE_NUMBER iterator. Real segment files in a temp directory.
import { appendFile, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { ShardLog } from '../../src/local/stream/shard-log.js';
import {
  envelope,
  numberOf,
  openStream,
  recordDeliveries,
  segmentsOf,
  useOneShardStreams,
} from './stream-test-kit.js';

const streams = useOneShardStreams();
const { open, opened } = streams;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const onlyShard = 'shardId-000000000000';

/** Puts pump-7's readings 1–3 and stops: the shard's one segment, and its size with all three intact. */
async function segmentOfThreeRecords(): Promise<{ path: string; intactBytes: number }> {
  const stream = await open();
  for (const n of range(1, 3)) await stream.put(envelope('pump-7', n));
  await stream.stop();
  const [segment] = await segmentsOf(streams.dir, onlyShard);
  const path = join(streams.dir, onlyShard, segment!);
  return { path, intactBytes: (await stat(path)).size };
}

describe('durable telemetry stream: durability', () => {
  it('resumes after its checkpoint on reopen: finished records are not delivered again', async () => {
    const first = await open();
    for (const n of range(1, 5)) await first.put(envelope('pump-7', n));
    recordDeliveries(first);
    await expect.poll(() => first.processed).toBe(5);
    await first.stop();
    const second = await open();
    for (const n of range(6, 8)) await second.put(envelope('pump-7', n));
    const consumer = recordDeliveries(second);
    await expect.poll(() => second.processed).toBe(3);
    expect(consumer.numbersOf('pump-7')).toEqual([6, 7, 8]);
  });

  it('delivers again, after a restart, the records whose processing had not finished (at-least-once, faults.md #22)', async () => {
    const crashed = await open({ maxBatchSize: 3 });
    for (const n of range(1, 6)) await crashed.put(envelope('pump-7', n));
    const seenBeforeCrash: number[] = [];
    // The first batch finishes; the process "dies" while the second one is being written.
    crashed.consume(
      async (records) => {
        seenBeforeCrash.push(...records.map(numberOf));
        if (seenBeforeCrash.length > 3) await new Promise(() => undefined);
      },
      async () => undefined,
    );
    opened.splice(opened.indexOf(crashed), 1); // never stopped: its in-flight batch never resolves
    await expect.poll(() => seenBeforeCrash.length).toBe(6);
    const restarted = await open();
    const consumer = recordDeliveries(restarted);
    await expect.poll(() => restarted.processed).toBe(3);
    expect(seenBeforeCrash).toEqual([1, 2, 3, 4, 5, 6]);
    expect(consumer.numbersOf('pump-7')).toEqual([4, 5, 6]);
  });

  it('stops within its grace period while a batch can never finish (e.g. the lake cannot be written), and delivers that batch again at the next start', async () => {
    const stuck = await open({ stopGraceMs: 200 });
    for (const n of range(1, 3)) await stuck.put(envelope('pump-7', n));
    let delivered = 0;
    stuck.consume(
      async (records) => {
        delivered += records.length;
        await new Promise(() => undefined);
      },
      async () => undefined,
    );
    await expect.poll(() => delivered).toBe(3);
    const stoppedIn = Date.now();
    await stuck.stop();
    expect(Date.now() - stoppedIn).toBeLessThan(2_000);
    const restarted = await open();
    const consumer = recordDeliveries(restarted);
    await expect.poll(() => restarted.processed).toBe(3);
    expect(consumer.numbersOf('pump-7')).toEqual([1, 2, 3]);
  });

  it('commits appends to a shard awaited one at a time, each as soon as it is made', async () => {
    const log = await ShardLog.open({
      shardDir: join(streams.dir, onlyShard),
      segmentBytes: 1024 * 1024,
      logger: silentLogger,
      onDurable: () => undefined,
    });
    // The next append follows the previous one's commit at once, while that commit is ending.
    const sequenceNumbers: number[] = [];
    for (const n of range(1, 3)) sequenceNumbers.push(await log.append(envelope('pump-7', n), Date.now()));
    await log.close();
    expect(sequenceNumbers).toEqual([1, 2, 3]);
  });

  it('cuts a torn record off the tail on open and never delivers it', async () => {
    const { path, intactBytes } = await segmentOfThreeRecords();
    await truncate(path, intactBytes - 7); // the last record's write was cut short by the crash
    const second = await open();
    await second.put(envelope('pump-7', 4));
    const consumer = recordDeliveries(second);
    await expect.poll(() => second.processed).toBe(3);
    expect(consumer.numbersOf('pump-7')).toEqual([1, 2, 4]);
    expect(consumer.delivered().map((r) => r.sequenceNumber)).toEqual(['1', '2', '3']);
  });

  it('ignores a zero-filled tail (a block allocated but never written) and keeps every record', async () => {
    const { path, intactBytes } = await segmentOfThreeRecords();
    await appendFile(path, Buffer.alloc(4096));
    const second = await open();
    expect((await stat(path)).size).toBe(intactBytes);
    const consumer = recordDeliveries(second);
    await expect.poll(() => second.processed).toBe(3);
    expect(consumer.numbersOf('pump-7')).toEqual([1, 2, 3]);
  });

  it('deletes segments once they are consumed and older than the retention, and keeps unconsumed ones', async () => {
    const stream = await open({ retentionMs: 100, segmentBytes: 400 });
    for (const n of range(1, 12)) await stream.put(envelope('pump-7', n));
    const written = await segmentsOf(streams.dir, onlyShard);
    expect(written.length).toBeGreaterThan(3);
    await new Promise((resolve) => setTimeout(resolve, 250)); // two retention periods, nothing consumed
    expect(await segmentsOf(streams.dir, onlyShard)).toEqual(written);
    recordDeliveries(stream);
    await expect.poll(() => stream.processed).toBe(12);
    await expect.poll(() => segmentsOf(streams.dir, onlyShard), { timeout: 3_000 }).toEqual([written.at(-1)]);
    await stream.put(envelope('pump-7', 13)); // the active segment goes on
    await expect.poll(() => stream.processed).toBe(13);
  });

  it('replays every shard from a timestamp, delivering the retained records that arrived since', async () => {
    const stream = await open({ shardCount: 4 });
    const consumer = recordDeliveries(stream);
    for (const n of range(1, 5)) await stream.put(envelope(`pump-${n}`, n));
    await expect.poll(() => stream.processed).toBe(5);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const replayFrom = Date.now();
    for (const n of range(6, 10)) await stream.put(envelope(`pump-${n - 5}`, n));
    await expect.poll(() => stream.processed).toBe(10);
    await stream.replay({ fromTimestamp: replayFrom });
    await expect.poll(() => stream.processed).toBe(15);
    const replayed = consumer
      .delivered()
      .slice(10)
      .map((r) => r.data.correlationId);
    expect(replayed.sort()).toEqual(['pump-1:6', 'pump-2:7', 'pump-3:8', 'pump-4:9', 'pump-5:10']);
  });

  it('replays one shard from a sequence number, and refuses one it does not retain', async () => {
    const stream = await open();
    for (const n of range(1, 4)) await stream.put(envelope('pump-7', n));
    const consumer = recordDeliveries(stream);
    await expect.poll(() => stream.processed).toBe(4);
    await stream.replay({ shardId: onlyShard, fromSequenceNumber: '3' });
    await expect.poll(() => stream.processed).toBe(6);
    expect(consumer.numbersOf('pump-7')).toEqual([1, 2, 3, 4, 3, 4]);
    await expect(stream.replay({ shardId: onlyShard, fromSequenceNumber: '9' })).rejects.toMatchObject({
      code: 'SEQUENCE_OUT_OF_RANGE',
    });
    await expect(
      stream.replay({ shardId: 'shardId-000000000007', fromSequenceNumber: '1' }),
    ).rejects.toMatchObject({
      code: 'UNKNOWN_SHARD',
    });
  });

  it('keeps a replay across a restart: the checkpoint moved back durably', async () => {
    const first = await open();
    for (const n of range(1, 3)) await first.put(envelope('pump-7', n));
    recordDeliveries(first);
    await expect.poll(() => first.processed).toBe(3);
    await first.stop();
    const operator = await open(); // replays without consuming, then stops
    expect(operator.depth).toBe(0);
    await operator.replay({ shardId: onlyShard, fromSequenceNumber: '2' });
    await operator.stop();
    const restarted = await open();
    expect(restarted.depth).toBe(2);
    const consumer = recordDeliveries(restarted);
    await expect.poll(() => restarted.processed).toBe(2);
    expect(consumer.numbersOf('pump-7')).toEqual([2, 3]);
  });

  it('refuses to reopen with another shard count, which would move devices to other shards', async () => {
    await (await open({ shardCount: 4 })).stop();
    await expect(openStream(streams.dir, { shardCount: 2 })).rejects.toMatchObject({
      code: 'SHARD_COUNT_MISMATCH',
    });
  });
});
