// Shared pieces of the durable stream tests: envelopes, temp directories, and a consumer that
// records what it was handed.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { afterEach, beforeEach } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type TelemetryEnvelope } from '@tributary/contracts';
import {
  DurableTelemetryStream,
  type DeadLetteredRecord,
  type DurableTelemetryStreamOptions,
  type StreamBatchProcessor,
  type StreamRecord,
} from '../../src/local/stream/index.js';

/** Message `n` of `thing`; `correlationId` is `thing:n`, so a test can read both back. */
export const envelope = (thing: string, n: number): TelemetryEnvelope => ({
  topic: `dt/tributary/${thing}/telemetry`,
  clientId: thing,
  receivedAt: 1_764_000_000_000 + n,
  correlationId: `${thing}:${n}`,
  payload: Buffer.from(JSON.stringify({ metric: 'temp', value: n })).toString('base64'),
});

export const numberOf = (record: StreamRecord | TelemetryEnvelope): number =>
  Number(('data' in record ? record.data : record).correlationId.split(':')[1]);

export async function temporaryDirectory(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-stream-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export const openStream = (dir: string, options: Partial<DurableTelemetryStreamOptions> = {}) =>
  DurableTelemetryStream.open({ dir, logger: silentLogger, ...options });

/**
 * For a test file: a fresh directory per test, and `open` for one-shard streams in it (options override),
 * each stopped after its test unless the test drops it from `opened` to leave it "killed".
 */
export function useOneShardStreams() {
  const state = { dir: '', remove: async () => undefined as void };
  const opened: DurableTelemetryStream[] = [];
  beforeEach(async () => Object.assign(state, await temporaryDirectory()));
  afterEach(async () => {
    for (const stream of opened.splice(0)) await stream.stop();
    await state.remove();
  });
  return {
    get dir() {
      return state.dir;
    },
    opened,
    open: async (options: Partial<DurableTelemetryStreamOptions> = {}) => {
      const stream = await openStream(state.dir, { shardCount: 1, ...options });
      opened.push(stream);
      return stream;
    },
  };
}

/** The segment files of a shard, oldest first. */
export async function segmentsOf(dir: string, shardId: string): Promise<string[]> {
  return (await readdir(join(dir, shardId))).filter((name) => name.endsWith('.seg')).sort();
}

/** Consumes with `process` (succeeding by default) and records every delivery and dead letter. */
export function recordDeliveries(stream: DurableTelemetryStream, process?: StreamBatchProcessor) {
  const batches: StreamRecord[][] = [];
  const deadLetters: DeadLetteredRecord[] = [];
  stream.consume(
    async (records) => {
      batches.push([...records]);
      return process?.(records);
    },
    async (deadLetter) => void deadLetters.push(deadLetter),
  );
  return {
    batches,
    deadLetters,
    delivered: () => batches.flat(),
    numbersOf: (thing: string) =>
      batches
        .flat()
        .filter((r) => r.partitionKey === thing)
        .map(numberOf),
  };
}
