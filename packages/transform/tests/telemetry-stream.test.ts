import { silentLogger, type TelemetryEnvelope } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { LocalTelemetryStream } from '../src/local/index.js';

const envelope = (n: number, thing = 'pump-7'): TelemetryEnvelope => ({
  topic: `dt/tributary/${thing}/telemetry`,
  clientId: thing,
  receivedAt: n,
  correlationId: `c-${n}`,
  payload: '',
});

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('local telemetry stream', () => {
  it('delivers records in the order they were put, in batches', async () => {
    const stream = new LocalTelemetryStream({ logger: silentLogger, maxBatchSize: 3 });
    const seen: number[] = [];
    const sizes: number[] = [];
    stream.start(
      async (batch) => {
        sizes.push(batch.length);
        seen.push(...batch.map((r) => r.receivedAt));
      },
      async () => undefined,
    );
    for (let n = 0; n < 10; n++) await stream.put(envelope(n));
    await stream.stop();
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
  });

  it('makes put wait while the stream is full (backpressure instead of unbounded memory)', async () => {
    const stream = new LocalTelemetryStream({ logger: silentLogger, capacity: 2, maxBatchSize: 1 });
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    stream.start(
      async () => blocked,
      async () => undefined,
    );
    await stream.put(envelope(1));
    await stream.put(envelope(2));
    let thirdAccepted = false;
    const third = stream.put(envelope(3)).then(() => (thirdAccepted = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(thirdAccepted).toBe(false);
    expect(stream.depth).toBe(2);
    release();
    await third;
    await stream.stop();
    expect(stream.processed).toBe(3);
  });

  it('dead-letters a poison record after bounded retries and keeps processing the rest (faults.md #22)', async () => {
    const stream = new LocalTelemetryStream({ logger: silentLogger, maxAttempts: 3 });
    const processed: number[] = [];
    const deadLettered: number[] = [];
    let poisonAttempts = 0;
    stream.start(
      async (batch) => {
        if (batch.some((r) => r.receivedAt === 2)) {
          poisonAttempts++;
          throw new Error('poison');
        }
        processed.push(...batch.map((r) => r.receivedAt));
      },
      async (record) => void deadLettered.push(record.receivedAt),
    );
    for (let n = 1; n <= 4; n++) await stream.put(envelope(n));
    await until(() => stream.processed === 4);
    await stream.stop();
    expect(deadLettered).toEqual([2]);
    expect(processed.sort()).toEqual([1, 3, 4]);
    expect(poisonAttempts).toBeLessThanOrEqual(4); // one batch attempt + three single attempts at most
  });
});
