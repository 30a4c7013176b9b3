// The one consumer of one shard: reads batches after the checkpoint, hands them to the processor,
// and checkpoints only what the processor finished, like a Lambda Kinesis event source mapping with
// ReportBatchItemFailures, BisectBatchOnFunctionError and MaximumRetryAttempts. A record that keeps
// failing is dead-lettered, so a poison record never blocks its shard. Unlike Lambda, a processor may take
// a batch before its output is durable (StreamBatchResponse.durable): the next batches are processed
// meanwhile, and checkpoints follow durability in sequence order.
// https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-errors.html
import type { Logger } from '@tributary/contracts';
import { writeCheckpoint } from './checkpoint-file.js';
import type { StoredRecord } from './record-frame.js';
import type { CommittedGroup } from './recent-records.js';
import { partitionKeyOf } from './shard-of.js';
import type { ShardLog } from './shard-log.js';
import { ShardReader } from './shard-reader.js';
import type {
  StreamBatchProcessor,
  StreamBatchResponse,
  StreamDeadLetterHandler,
  StreamRecord,
} from './stream-types.js';

export interface ShardConsumerOptions {
  readonly shardId: string;
  readonly shardDir: string;
  readonly log: ShardLog;
  readonly checkpoint: number;
  readonly maxBatchSize: number;
  /** A batch ends before the record that would take its payloads (base64) past this many bytes. */
  readonly maxBatchBytes: number;
  /** Batches taken by the processor whose output is not durable yet; the next one waits beyond this. */
  readonly maxBatchesAwaitingDurability: number;
  readonly maxAttempts: number;
  /** Bytes of just-committed records kept in memory for the reader (see RecentRecords). */
  readonly recentRecordBytes: number;
  readonly logger: Logger;
  /** Called after every checkpoint with how many records it moved past. */
  readonly onCheckpoint: (records: number) => void;
  /** How long `stop` waits for the batch in flight (e.g. a lake that cannot be written never finishes it). */
  readonly stopGraceMs: number;
}

export interface ShardHandlers {
  readonly process: StreamBatchProcessor;
  readonly deadLetter: StreamDeadLetterHandler;
}

/** A batch the processor took, as its checkpoint's turn sees it. */
interface TakenBatch {
  durable: boolean;
  /** The batch taken after it. */
  next?: TakenBatch;
  /** Records of this and earlier batches whose checkpoint this one left to its successor. */
  carried?: number;
}

type StepOutcome = 'progress' | 'idle' | 'bisect' | 'retry';

const retryDelayMs = (failuresInARow: number) => Math.min(50 * 2 ** failuresInARow, 2_000);

export class ShardConsumer {
  private checkpointed: number;
  private readonly reader: ShardReader;
  /** Read but not yet taken by the processor, in sequence order: at most one batch. */
  private unprocessed: StoredRecord[] = [];
  /** The last record the processor took (or that was dead-lettered); checkpointed once durable. */
  private takenThrough: number;
  /** Checkpoints of taken batches, in order, each after its output is durable. */
  private checkpoints: Promise<void> = Promise.resolve();
  /**
   * One entry per taken batch not yet checkpointed: resolves at its checkpoint, when it carries its count to
   * its successor's checkpoint, or when it is given up.
   */
  private awaitingDurability: Promise<void>[] = [];
  /** The batch taken last, whose successor (once taken) it links to. */
  private lastTaken: TakenBatch | undefined;
  /** Bumped when taken batches are given up (a rewind, a failed durability): their checkpoints are not written. */
  private generation = 0;
  private checkpointFailure: { readonly error: unknown } | undefined;
  private batchSize: number;
  private headFailures = { sequenceNumber: 0, count: 0 };
  private wake: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;
  /** Set when `stop` gave up on the batch in flight: nothing is checkpointed after that. */
  private abandoned = false;
  private signalStop: () => void = () => undefined;
  private readonly stopRequested = new Promise<void>((resolve) => (this.signalStop = resolve));
  private exclusive: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ShardConsumerOptions) {
    this.checkpointed = options.checkpoint;
    this.takenThrough = options.checkpoint;
    this.batchSize = options.maxBatchSize;
    this.reader = new ShardReader(options.log, options.checkpoint + 1, options.recentRecordBytes);
  }

  /** The sequence number of the last record whose output is durable. */
  get checkpoint(): number {
    return this.checkpointed;
  }

  start(handlers: ShardHandlers): void {
    this.running = this.run(handlers);
  }

  /** Wakes the consumer: new records are durable. */
  notifyRecords(committed: CommittedGroup): void {
    this.reader.committed(committed);
    this.wake?.();
  }

  /** Moves the checkpoint to just before `sequenceNumber` (clamped to the oldest retained record). */
  rewind(sequenceNumber: number): Promise<void> {
    return this.serialized(async () => {
      await this.giveUpTakenBatches();
      const target = Math.max(sequenceNumber, this.options.log.oldestSequence);
      await this.reader.seek(target);
      await writeCheckpoint(this.options.shardDir, target - 1);
      this.checkpointed = target - 1;
      this.takenThrough = target - 1;
      this.batchSize = this.options.maxBatchSize;
      this.wake?.();
    });
  }

  /** Retention: drops sealed segments that are checkpointed and older than `cutoffMs`. */
  deleteExpiredSegments(cutoffMs: number): Promise<number> {
    return this.serialized(() => this.options.log.deleteExpiredSegments(this.checkpointed, cutoffMs));
  }

  /**
   * Lets the batch in flight finish and the taken batches checkpoint, then closes the reader. A batch still
   * unfinished after the grace period is left uncheckpointed: it is delivered again at the next start
   * (at least once).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.signalStop();
    this.wake?.();
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      (this.running ?? Promise.resolve()).then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), this.options.stopGraceMs))),
    ]);
    clearTimeout(timer);
    if (!finished) {
      this.abandoned = true;
      this.options.logger.warn(
        'batch still in flight at stop: left uncheckpointed, delivered again at the next start',
        {
          shardId: this.options.shardId,
          checkpoint: this.checkpointed,
          records: this.unprocessed.length,
        },
      );
    }
    await this.reader.close();
  }

  private async run(handlers: ShardHandlers): Promise<void> {
    let failuresInARow = 0;
    while (!this.stopping) {
      const outcome = await this.serialized(() => this.stepOrRecover(handlers));
      if (outcome === 'idle') await this.waitForRecords();
      if (outcome === 'retry') await this.sleep(retryDelayMs(failuresInARow++));
      if (outcome === 'progress') failuresInARow = 0;
    }
    await this.checkpoints;
  }

  /** A failure outside the processor (reading, checkpointing, dead-lettering) retries from the checkpoint. */
  private async stepOrRecover(handlers: ShardHandlers): Promise<StepOutcome> {
    try {
      return await this.step(handlers);
    } catch (error) {
      this.options.logger.error('shard consumer failed; it retries from its checkpoint', {
        shardId: this.options.shardId,
        checkpoint: this.checkpointed,
        error,
      });
      await this.giveUpTakenBatches();
      await this.reader.seek(this.checkpointed + 1);
      this.takenThrough = this.checkpointed;
      return 'retry';
    }
  }

  private async step(handlers: ShardHandlers): Promise<StepOutcome> {
    if (this.checkpointFailure) throw this.checkpointFailure.error;
    while (this.awaitingDurability.length >= this.options.maxBatchesAwaitingDurability) {
      await this.awaitingDurability.shift();
    }
    const batch = await this.nextBatch();
    if (batch.length === 0) return 'idle';
    let failedIndex: number;
    let durable: Promise<void> | undefined;
    try {
      const response = await handlers.process(batch.map((record) => this.toStreamRecord(record)));
      failedIndex = firstFailedIndex(batch, response);
      durable = response?.durable;
    } catch (error) {
      if (batch.length === 1) return this.afterHeadFailed(handlers, error);
      this.options.logger.warn('batch failed; bisecting it to find the failing record', {
        shardId: this.options.shardId,
        size: batch.length,
        error,
      });
      this.batchSize = Math.ceil(batch.length / 2);
      return 'bisect';
    }
    if (failedIndex > 0) this.take(failedIndex, durable);
    if (failedIndex >= 0) return this.afterHeadFailed(handlers, new Error('reported in batchItemFailures'));
    this.take(batch.length, durable);
    this.batchSize = this.options.maxBatchSize;
    this.headFailures = { sequenceNumber: 0, count: 0 };
    return 'progress';
  }

  /** The first unprocessed record failed again: retry it, or dead-letter it after maxAttempts. */
  private async afterHeadFailed(handlers: ShardHandlers, error: unknown): Promise<StepOutcome> {
    const head = this.unprocessed[0] as StoredRecord;
    const sameHead = this.headFailures.sequenceNumber === head.sequenceNumber;
    const attempts = sameHead ? this.headFailures.count + 1 : 1;
    this.headFailures = { sequenceNumber: head.sequenceNumber, count: attempts };
    if (attempts < this.options.maxAttempts) return 'retry';
    this.options.logger.error('record failed every attempt; dead-lettering it', {
      shardId: this.options.shardId,
      sequenceNumber: head.sequenceNumber,
      attempts,
      error,
    });
    const record = this.toStreamRecord(head);
    await handlers.deadLetter({ record, condition: 'RetryAttemptsExhausted', attempts, error });
    this.take(1, undefined);
    return 'progress';
  }

  private async nextBatch(): Promise<StoredRecord[]> {
    if (this.unprocessed.length < this.batchSize) {
      this.unprocessed.push(...(await this.reader.read(this.batchSize - this.unprocessed.length)));
    }
    let bytes = 0;
    let end = 0;
    for (; end < Math.min(this.batchSize, this.unprocessed.length); end++) {
      bytes += (this.unprocessed[end] as StoredRecord).data.payload.length;
      if (bytes > this.options.maxBatchBytes && end > 0) break;
    }
    return this.unprocessed.slice(0, end);
  }

  /**
   * The processor took the first `count` unprocessed records: their checkpoint is written, after those of
   * the batches taken before them, once `durable` resolves (at once without it). A batch whose successor is
   * already durable by its turn leaves the write to that successor: one lake flush makes several batches
   * durable at once, and each checkpoint write costs two fsyncs.
   */
  private take(count: number, durable: Promise<void> | undefined): void {
    const taken = this.unprocessed.splice(0, count);
    const last = (taken[taken.length - 1] as StoredRecord).sequenceNumber;
    this.takenThrough = last;
    const generation = this.generation;
    const batch: TakenBatch = { durable: false };
    // Observed now, so a rejection waiting its turn in the chain is never an unhandled one.
    const outcome = (durable ?? Promise.resolve()).then(
      () => {
        batch.durable = true;
      },
      (error: unknown) => ({ error }),
    );
    const previous = this.lastTaken;
    this.lastTaken = batch;
    this.checkpoints = this.checkpoints.then(async () => {
      const failed = await outcome;
      const carried = previous?.carried ?? 0;
      if (generation !== this.generation || this.checkpointFailure || this.abandoned) return;
      if (!failed && batch.next?.durable) {
        batch.carried = carried + count;
        return;
      }
      try {
        if (failed) throw failed.error;
        await writeCheckpoint(this.options.shardDir, last);
      } catch (error) {
        // Nothing after this batch is checkpointed; the consumer redelivers from the checkpoint.
        this.checkpointFailure = { error };
        this.wake?.();
        return;
      }
      this.checkpointed = last;
      this.options.onCheckpoint(carried + count);
    });
    if (previous) previous.next = batch;
    this.awaitingDurability.push(this.checkpoints);
  }

  /** Forgets the batches taken and not yet checkpointed: they will be read and processed again. */
  private async giveUpTakenBatches(): Promise<void> {
    this.generation++;
    await this.checkpoints;
    this.checkpointFailure = undefined;
    this.awaitingDurability = [];
    this.lastTaken = undefined;
    this.unprocessed = [];
  }

  private toStreamRecord(record: StoredRecord): StreamRecord {
    return {
      shardId: this.options.shardId,
      sequenceNumber: String(record.sequenceNumber),
      partitionKey: partitionKeyOf(record.data),
      approximateArrivalTimestamp: record.approximateArrivalTimestamp,
      data: record.data,
    };
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const result = this.exclusive.then(work);
    this.exclusive = result.catch(() => undefined);
    return result;
  }

  /** Idle means the processor took every durable record: wait for the next one. */
  private async waitForRecords(): Promise<void> {
    if (this.stopping || this.checkpointFailure || this.options.log.durableSequence > this.takenThrough)
      return;
    await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = undefined;
  }

  /** A pause before a retry; new records do not cut it short, `stop` does. */
  private async sleep(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, ms))), this.stopRequested]);
    clearTimeout(timer);
  }
}

/** -1 when every record succeeded. An identifier not in the batch retries all of it, as Lambda does. */
function firstFailedIndex(batch: readonly StoredRecord[], response: StreamBatchResponse | void): number {
  const failures = response?.batchItemFailures ?? [];
  if (failures.length === 0) return -1;
  const indexes = failures.map((failure) =>
    batch.findIndex((record) => String(record.sequenceNumber) === failure.itemIdentifier),
  );
  return indexes.includes(-1) ? 0 : Math.min(...indexes);
}
