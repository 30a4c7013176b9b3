// Records a consumer reads as soon as they are committed come from memory; what does not fit is read back
// from the segment files, from where it begins. Either way every record arrives once, in order, as it was put.
import { describe, expect, it } from 'vitest';
import { createLogger, type TelemetryEnvelope } from '@tributary/contracts';
import { RecentRecords, type CommittedGroup } from '../../src/local/stream/recent-records.js';
import type { StoredRecord } from '../../src/local/stream/record-frame.js';
import { envelope, recordDeliveries, useOneShardStreams } from './stream-test-kit.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const streams = useOneShardStreams();

describe('durable telemetry stream: records read from memory', () => {
  it('hands a consumer that keeps up the very records that were put, without reading them back', async () => {
    const stream = await streams.open();
    const consumer = recordDeliveries(stream);
    const put: TelemetryEnvelope[] = [];
    for (const n of range(1, 20)) {
      put.push(envelope('pump-1', n));
      await stream.put(put.at(-1)!);
      await expect.poll(() => stream.processed).toBe(n);
    }
    expect(consumer.delivered().map((record) => record.data)).toEqual(put);
    // The same objects: nothing was decoded from the segment file.
    consumer.delivered().forEach((record, index) => expect(record.data).toBe(put[index]));
  });

  it('delivers every record once and in order when commits outgrow memory, and keeps them again once caught up', async () => {
    const errors: string[] = [];
    const logger = createLogger({ service: 'test', level: 'error', write: (line) => errors.push(line) });
    // About two frames fit in memory, and a segment holds about eight: commits of one to several records
    // (three devices putting at once) are kept, left to the file, and kept again as the consumer catches up.
    const stream = await streams.open({ logger, recentRecordBytes: 400, segmentBytes: 1_400, maxBatchSize: 3 });
    let slow = true;
    const consumer = recordDeliveries(stream, async () => {
      // A slow consumer now and then, so that it falls behind and reads from the files.
      if (slow && Math.random() < 0.2) await new Promise((resolve) => setTimeout(resolve, 5));
    });
    const put = new Map<string, TelemetryEnvelope>();
    const putAndRemember = (record: TelemetryEnvelope) => {
      put.set(record.correlationId, record);
      return stream.put(record);
    };
    const things = ['pump-1', 'pump-2', 'pump-3'];
    await Promise.all(
      things.map(async (thing) => {
        for (const n of range(1, 120)) await putAndRemember(envelope(thing, n));
      }),
    );
    await expect.poll(() => stream.processed, { timeout: 10_000 }).toBe(360);
    // Then one device at a time, the consumer keeping up: from memory again.
    slow = false;
    for (const n of range(121, 130)) {
      await putAndRemember(envelope('pump-1', n));
      await expect.poll(() => stream.processed).toBe(360 + n - 120);
    }
    expect(consumer.numbersOf('pump-1')).toEqual(range(1, 130));
    for (const thing of ['pump-2', 'pump-3']) expect(consumer.numbersOf(thing)).toEqual(range(1, 120));
    const delivered = consumer.delivered();
    delivered.forEach((record) => expect(record.data).toEqual(put.get(record.data.correlationId)));
    const fromMemory = (record: { data: TelemetryEnvelope }) => record.data === put.get(record.data.correlationId);
    // Both ways were taken during the burst: some records came from memory, others were read back from the files.
    const burst = delivered.slice(0, 360);
    expect(burst.filter(fromMemory).length).toBeGreaterThan(0);
    expect(burst.filter(fromMemory).length).toBeLessThan(360);
    expect(delivered.slice(360).every(fromMemory)).toBe(true);
    // No read of the files failed (a failed read is retried from the checkpoint, so it would not show otherwise).
    expect(errors).toEqual([]);
  });
});

const segment = { firstSequence: 1, path: '/shard/00000000000000000001.seg' };
const group = (first: number, count: number, offset = 0): CommittedGroup => ({
  records: range(first, first + count - 1).map(
    (sequenceNumber): StoredRecord => ({
      sequenceNumber,
      approximateArrivalTimestamp: 0,
      data: envelope('pump-1', sequenceNumber),
    }),
  ),
  segment,
  offset,
  bytes: count * 100,
});
const sequencesTaken = (recent: RecentRecords, from: number, to: number) =>
  range(from, to).map((sequence) => recent.take(sequence)?.sequenceNumber);

describe('RecentRecords', () => {
  it('keeps commits while they fit, then leaves the rest to the file from the first one it did not keep', () => {
    const recent = new RecentRecords(500);
    recent.add(group(1, 2, 0), 1);
    recent.add(group(3, 2, 200), 1);
    recent.add(group(5, 2, 400), 1); // 600 bytes would not fit
    recent.add(group(7, 1, 600), 1); // after one left to the file: the file, too
    expect(recent.bytes).toBe(400);
    expect(sequencesTaken(recent, 1, 5)).toEqual([1, 2, 3, 4, undefined]);
    expect(recent.bytes).toBe(0);
    expect(recent.takeResumePosition(6)).toBeUndefined();
    expect(recent.takeResumePosition(5)).toEqual({ sequenceNumber: 5, segment, offset: 400 });
    // Until the reader is past what was left to the file, commits stay there.
    recent.add(group(8, 1, 700), 5);
    expect(recent.take(8)).toBeUndefined();
    // Caught up: kept again.
    recent.add(group(9, 1, 800), 9);
    expect(recent.take(9)?.sequenceNumber).toBe(9);
  });

  it('keeps commits again once the reader has read past the first one left to the file on its own', () => {
    const recent = new RecentRecords(100);
    recent.add(group(1, 2), 1); // 200 bytes do not fit: left to the file
    recent.add(group(3, 1, 200), 1);
    // The reader's open file went on to 3 without asking where 1 begins; the next commit is kept.
    recent.add(group(4, 1, 300), 4);
    expect(recent.take(4)?.sequenceNumber).toBe(4);
  });

  it('keeps nothing for a reader behind the commit, and drops what the reader read from the file meanwhile', () => {
    const recent = new RecentRecords(10_000);
    recent.add(group(5, 2), 3);
    expect(recent.bytes).toBe(0);
    recent.add(group(7, 3), 7);
    // The reader's file read had already returned 7 and 8.
    expect(recent.take(9)?.sequenceNumber).toBe(9);
    expect(recent.bytes).toBe(0);
    recent.add(group(10, 1), 10);
    recent.clear();
    expect(recent.take(10)).toBeUndefined();
  });
});
