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
}

/**
 * Resolves once the batch's output is durable: the shard is checkpointed right after. Throwing fails
 * the whole batch, which is then split in halves to find the failing record (BisectBatchOnFunctionError).
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
