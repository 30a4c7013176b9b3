// The local stand-in for the Kinesis telemetry stream: a bounded in-process queue with one consumer.
// One consumer in arrival order keeps every device's readings in order. A full stream makes `put`
// wait, which delays the broker's PUBACK: backpressure reaches the devices instead of memory growing.
// Not yet durable across a process kill, nor replayable: see the Transform issue.
import type { Logger, TelemetryEnvelope } from '@tributary/contracts';

export interface TelemetryStreamOptions {
  readonly logger: Logger;
  /** Records held before `put` waits. @default 10_000 */
  readonly capacity?: number;
  /** Records handed to the consumer at once. @default 500 */
  readonly maxBatchSize?: number;
  /** Attempts per record before it is dead-lettered. @default 3 */
  readonly maxAttempts?: number;
}

export type BatchProcessor = (batch: readonly TelemetryEnvelope[]) => Promise<void>;
export type DeadLetterHandler = (record: TelemetryEnvelope, error: unknown) => Promise<void>;

export class LocalTelemetryStream {
  private readonly records: TelemetryEnvelope[] = [];
  private readonly waitingForSpace: (() => void)[] = [];
  private wakeConsumer: (() => void) | undefined;
  private consumer: Promise<void> | undefined;
  private stopping = false;
  private readonly capacity: number;
  private processedCount = 0;

  constructor(private readonly options: TelemetryStreamOptions) {
    this.capacity = options.capacity ?? 10_000;
  }

  /** Adds a record; waits while the stream is full. */
  async put(record: TelemetryEnvelope): Promise<void> {
    while (this.records.length >= this.capacity) {
      await new Promise<void>((resolve) => this.waitingForSpace.push(resolve));
    }
    this.records.push(record);
    this.wakeConsumer?.();
  }

  get depth(): number {
    return this.records.length;
  }

  get processed(): number {
    return this.processedCount;
  }

  /** Starts the single consumer. A failing batch is retried record by record; a record that keeps
   * failing goes to `deadLetter`, so one poison record never blocks the stream. */
  start(process: BatchProcessor, deadLetter: DeadLetterHandler): void {
    if (this.consumer) throw new Error('The telemetry stream already has a consumer');
    this.consumer = this.consume(process, deadLetter);
  }

  /** Processes what is buffered, then stops the consumer. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeConsumer?.();
    await this.consumer;
  }

  private async consume(process: BatchProcessor, deadLetter: DeadLetterHandler): Promise<void> {
    for (;;) {
      if (this.records.length === 0) {
        if (this.stopping) return;
        await new Promise<void>((resolve) => (this.wakeConsumer = resolve));
        this.wakeConsumer = undefined;
        continue;
      }
      const batch = this.records.slice(0, this.options.maxBatchSize ?? 500);
      try {
        await process(batch);
      } catch (error) {
        this.options.logger.warn('batch failed; retrying record by record', { size: batch.length, error });
        await this.retryEach(batch, process, deadLetter);
      }
      // Records leave the stream only once processed: at-least-once within this process.
      this.records.splice(0, batch.length);
      this.processedCount += batch.length;
      this.waitingForSpace.splice(0).forEach((resume) => resume());
    }
  }

  private async retryEach(
    batch: readonly TelemetryEnvelope[],
    process: BatchProcessor,
    deadLetter: DeadLetterHandler,
  ) {
    const maxAttempts = this.options.maxAttempts ?? 3;
    for (const record of batch) {
      for (let attempt = 1; ; attempt++) {
        try {
          await process([record]);
          break;
        } catch (error) {
          if (attempt >= maxAttempts) {
            await deadLetter(record, error);
            break;
          }
        }
      }
    }
  }
}
