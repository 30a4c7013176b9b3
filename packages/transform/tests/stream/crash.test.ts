// DESIGN §4: a record whose put resolved (so its PUBACK went out) survives kill -9 at any moment.
// A child process puts readings and prints each acknowledged one; the test SIGKILLs it at random
// moments, reopens the stream, consumes everything, and checks no acknowledged reading is lost and
// each device's readings arrive in order.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DurableTelemetryStream } from '../../src/local/stream/index.js';
import { openStream, recordDeliveries, temporaryDirectory } from './stream-test-kit.js';

const child = fileURLToPath(new URL('./put-until-killed.ts', import.meta.url));
let dir: string;
let remove: () => Promise<void>;
let stream: DurableTelemetryStream | undefined;

beforeEach(async () => ({ dir, remove } = await temporaryDirectory()));
afterEach(async () => {
  await stream?.stop();
  await remove();
});

/** Runs the child until it acknowledged some readings, kills it after `killAfterMs`, returns the acks. */
async function putUntilKilled(firstNumber: number, killAfterMs: number): Promise<string[]> {
  const producer = spawn(
    process.execPath,
    ['--conditions=@tributary/source', '--import', 'tsx', child, dir, String(firstNumber)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  let errors = '';
  producer.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    producer.once('exit', (_, signal) => resolve(signal)),
  );
  await new Promise<void>((resolve, reject) => {
    producer.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      resolve();
    });
    void exited.then(() =>
      reject(new Error(`the producer exited before acknowledging anything:\n${errors}`)),
    );
  });
  await new Promise((resolve) => setTimeout(resolve, killAfterMs));
  producer.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  // A line cut short by the kill was not fully printed: only whole lines count as acknowledged.
  return output.split('\n').slice(0, -1);
}

describe('durable telemetry stream: kill -9', () => {
  it('delivers every acknowledged reading, in order per device, after SIGKILLs at random moments', async () => {
    const acknowledged: string[] = [];
    for (let round = 0; round < 4; round++) {
      acknowledged.push(...(await putUntilKilled(round * 1_000_000, 20 + Math.random() * 300)));
    }
    stream = await openStream(dir);
    const durable = stream.depth;
    const consumer = recordDeliveries(stream);
    await expect.poll(() => stream?.processed, { timeout: 15_000 }).toBe(durable);

    const delivered = new Set(consumer.delivered().map((r) => r.data.correlationId));
    const lost = acknowledged.map((line) => line.replace(' ', ':')).filter((id) => !delivered.has(id));
    expect(lost).toEqual([]);
    expect(delivered.size).toBe(consumer.delivered().length); // each stored once: no record was doubled
    for (const thing of new Set(consumer.delivered().map((r) => r.partitionKey))) {
      const numbers = consumer.numbersOf(thing);
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    }
    expect(acknowledged.length).toBeGreaterThan(100);
    console.info(`kill -9 test: ${acknowledged.length} acknowledged, ${durable} durable, 0 lost`);
  });
});
