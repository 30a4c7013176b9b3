// The durable stream's consumers: per-device order across parallel shards, partial batch failures
// (Lambda ReportBatchItemFailures), bisecting and dead-lettering a poison record (faults.md #22), and
// backpressure (faults.md #24). Real segment files in a temp directory.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DurableTelemetryStream, DurableStreamError } from '../../src/local/stream/index.js';
import { envelope, numberOf, openStream, recordDeliveries, temporaryDirectory } from './stream-test-kit.js';

let dir: string;
let remove: () => Promise<void>;
let stream: DurableTelemetryStream;

beforeEach(async () => ({ dir, remove } = await temporaryDirectory()));
afterEach(async () => {
  await stream?.stop();
  await remove();
});

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('durable telemetry stream: delivery', () => {
  it("keeps each device's records in order while its shards are consumed in parallel (faults.md #20)", async () => {
    stream = await openStream(dir, { maxBatchSize: 7 });
    const consumer = recordDeliveries(stream);
    const things = range(1, 12).map((i) => `pump-${i}`);
    // Each device puts its next reading once the previous one is acknowledged, as over MQTT QoS 1.
    await Promise.all(
      things.map(async (thing) => {
        for (const n of range(1, 40)) await stream.put(envelope(thing, n));
      }),
    );
    await expect.poll(() => stream.processed).toBe(things.length * 40);
    for (const thing of things) expect(consumer.numbersOf(thing)).toEqual(range(1, 40));
    const shardsOf = (thing: string) =>
      new Set(
        consumer
          .delivered()
          .filter((r) => r.partitionKey === thing)
          .map((r) => r.shardId),
      );
    expect(things.map((thing) => shardsOf(thing).size)).toEqual(things.map(() => 1));
    expect(new Set(consumer.delivered().map((r) => r.shardId)).size).toBeGreaterThan(1);
    expect(Math.max(...consumer.batches.map((b) => b.length))).toBeLessThanOrEqual(7);
    expect(new Set(consumer.batches.map((b) => new Set(b.map((r) => r.shardId)).size))).toEqual(new Set([1]));
    expect(stream.depth).toBe(0);
  });

  it('checkpoints before the first reported batch item failure and redelivers from it', async () => {
    stream = await openStream(dir, { shardCount: 1, maxBatchSize: 10 });
    for (const n of range(1, 8)) await stream.put(envelope('pump-7', n));
    let failedOnce = false;
    const consumer = recordDeliveries(stream, async (records) => {
      if (failedOnce) return;
      failedOnce = true;
      const failed = records.filter((r) => [6, 3].includes(numberOf(r)));
      return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.sequenceNumber })) };
    });
    await expect.poll(() => stream.processed).toBe(8);
    const deliveries = consumer.numbersOf('pump-7');
    // 1 and 2 were checkpointed; the retry starts at 3, the first failure, not at 6.
    expect(deliveries.filter((n) => n <= 2)).toEqual([1, 2]);
    expect(deliveries.filter((n) => n === 3)).toEqual([3, 3]);
    expect(deliveries.slice(deliveries.lastIndexOf(3))).toEqual(range(3, 8));
    expect(consumer.deadLetters).toEqual([]);
  });

  it('retries the whole batch when a reported itemIdentifier is not in it', async () => {
    stream = await openStream(dir, { shardCount: 1 });
    let calls = 0;
    const consumer = recordDeliveries(stream, async () => {
      calls += 1;
      return calls === 1 ? { batchItemFailures: [{ itemIdentifier: 'no-such-record' }] } : undefined;
    });
    for (const n of range(1, 3)) await stream.put(envelope('pump-7', n));
    await expect.poll(() => stream.processed).toBe(3);
    expect(consumer.numbersOf('pump-7').slice(-3)).toEqual([1, 2, 3]);
    expect(consumer.numbersOf('pump-7').filter((n) => n === 1).length).toBe(2);
  });

  it('bisects a failing batch, dead-letters the poison record with its metadata, and the shard flows on (faults.md #22)', async () => {
    stream = await openStream(dir, { shardCount: 1, maxAttempts: 3, maxBatchSize: 8 });
    for (const n of range(1, 8)) await stream.put(envelope('pump-7', n));
    let poisonAttempts = 0;
    const consumer = recordDeliveries(stream, async (records) => {
      if (records.some((r) => numberOf(r) === 5)) {
        poisonAttempts += 1;
        throw new Error('cannot transform reading 5');
      }
    });
    await expect.poll(() => stream.processed).toBe(8);
    for (const n of range(9, 10)) await stream.put(envelope('pump-7', n));
    await expect.poll(() => stream.processed).toBe(10);
    const succeeded = consumer.batches
      .filter((b) => !b.some((r) => numberOf(r) === 5))
      .flat()
      .map(numberOf);
    expect(succeeded).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 10]);
    expect(consumer.deadLetters).toHaveLength(1);
    expect(consumer.deadLetters[0]).toMatchObject({
      condition: 'RetryAttemptsExhausted',
      attempts: 3,
      error: expect.objectContaining({ message: 'cannot transform reading 5' }),
      record: { shardId: 'shardId-000000000000', sequenceNumber: '5', partitionKey: 'pump-7' },
    });
    // [1-8] fails, [1-4] passes, [5-8] and [5-6] fail, then [5] alone until its attempts run out.
    expect(poisonAttempts).toBe(3 + 3);
  });

  it('serves the TelemetryStream form: envelope batches, and the poison envelope to the dead-letter handler', async () => {
    stream = await openStream(dir, { shardCount: 2, maxAttempts: 2 });
    const processed: string[] = [];
    const deadLettered: string[] = [];
    stream.start(
      async (batch) => {
        if (batch.some((e) => e.correlationId === 'pump-1:2')) throw new Error('poison');
        processed.push(...batch.map((e) => e.correlationId));
      },
      async (record, error) => void deadLettered.push(`${record.correlationId} ${(error as Error).message}`),
    );
    for (const n of range(1, 3)) await stream.put(envelope('pump-1', n));
    await expect.poll(() => stream.processed).toBe(3);
    expect(processed).toEqual(['pump-1:1', 'pump-1:3']);
    expect(deadLettered).toEqual(['pump-1:2 poison']);
    expect(() =>
      stream.start(
        async () => undefined,
        async () => undefined,
      ),
    ).toThrowError(expect.objectContaining({ code: 'ALREADY_CONSUMING' }));
  });

  it('makes put wait while too many records are unconsumed, so producers are held back (faults.md #24)', async () => {
    stream = await openStream(dir, { shardCount: 2, maxUnconsumedRecords: 2, maxBatchSize: 1 });
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    recordDeliveries(stream, () => blocked);
    await stream.put(envelope('pump-1', 1));
    await stream.put(envelope('pump-2', 1));
    let thirdAcknowledged = false;
    const third = stream.put(envelope('pump-3', 1)).then(() => (thirdAcknowledged = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(thirdAcknowledged).toBe(false);
    expect(stream.depth).toBe(2);
    release();
    await third;
    await expect.poll(() => stream.processed).toBe(3);
  });

  it('refuses a put after stop with a typed error, so the message is not acknowledged', async () => {
    stream = await openStream(dir);
    await stream.stop();
    const refusal = await stream.put(envelope('pump-7', 1)).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(DurableStreamError);
    expect(refusal).toMatchObject({ code: 'CLOSED' });
  });
});
