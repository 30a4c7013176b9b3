// What a consumer of the durable stream sees: records shaped like a Kinesis event record, and a
// batch response like Lambda's ReportBatchItemFailures.
// https://docs.aws.amazon.com/lambda/latest/dg/kinesis-batchfailurereporting.html
import type { TelemetryEnvelope } from '@tributary/contracts';

export interface StreamRecord {
  /** As Kinesis names shards: `shardId-000000000000`. */
  readonly shardId: string;
  /** Increasing within the shard; the `itemIdentifier` of a batch item failure. */
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** When the stream accepted the record, epoch ms. */
  readonly approximateArrivalTimestamp: number;
  readonly data: TelemetryEnvelope;
}

/** Records of the batch that failed; the stream checkpoints before the first one and retries from it. */
export interface StreamBatchResponse {
  readonly batchItemFailures: readonly { readonly itemIdentifier: string }[];
  /**
   * Given when the batch was taken but its output becomes durable later (the lake writes on a timer):
   * the shard hands the processor its next batch at once and checkpoints this one, in order, once
   * `durable` resolves. A rejection redelivers from the checkpoint. Without it the output is durable
   * when the processor resolves, as with Lambda.
   */
  readonly durable?: Promise<void>;
}

/**
 * Resolves once the batch is processed (its output durable, or `durable` says when). Throwing fails the
 * whole batch, which is then split in halves to find the failing record (BisectBatchOnFunctionError).
 */
export type StreamBatchProcessor = (records: readonly StreamRecord[]) => Promise<StreamBatchResponse | void>;

/** A record that failed `maxAttempts` times, with what Lambda's on-failure destination reports. */
export interface DeadLetteredRecord {
  readonly record: StreamRecord;
  readonly condition: 'RetryAttemptsExhausted';
  readonly attempts: number;
  readonly error: unknown;
}

/** Resolves once the dead letter is durable; the record is checkpointed past only then. */
export type StreamDeadLetterHandler = (deadLetter: DeadLetteredRecord) => Promise<void>;
