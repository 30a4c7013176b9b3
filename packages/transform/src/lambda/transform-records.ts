// The per-record phase of the Enrichment Lambda: each stream record through the pure transform, in stream
// order, with Powertools' batch processor. A record whose transform throws (a poison record) becomes a
// partial batch failure and the records after it are not transformed, since detector state depends on order:
// Lambda retries from the failed record. When the first record fails, the processor throws instead
// (FullBatchFailureError), so bisect-on-error can isolate it.
// https://docs.powertools.aws.dev/lambda/typescript/latest/features/batch/
import { BatchProcessorSync, EventType, processPartialResponseSync } from '@aws-lambda-powertools/batch';
import type { KinesisStreamRecord } from 'aws-lambda';
import type { Logger } from '@tributary/contracts';
import type { TransformResult } from '../core/index.js';
import { correlationIdOf, type DecodedRecord } from './kinesis-records.js';

export interface TransformedRecord {
  readonly record: DecodedRecord;
  readonly result: TransformResult;
}

export interface TransformedBatch {
  /** The records transformed, in stream order: every record before `firstFailed`, or all of them. */
  readonly transformed: TransformedRecord[];
  /** The sequence number of the first record whose transform threw. */
  readonly firstFailed: string | undefined;
}

class EarlierRecordFailedError extends Error {
  override readonly name = 'EarlierRecordFailedError';
}

export class RecordTransformer {
  private readonly processor = new BatchProcessorSync(EventType.KinesisDataStreams);

  constructor(private readonly logger: Logger) {}

  /** Transforms `decoded` (the decoding of `records`, in the same order) with `transform`. */
  transformInOrder(
    records: readonly KinesisStreamRecord[],
    decoded: readonly DecodedRecord[],
    transform: (record: DecodedRecord) => TransformResult,
  ): TransformedBatch {
    const decodedBySequence = new Map(decoded.map((record) => [record.sequenceNumber, record]));
    const transformed: TransformedRecord[] = [];
    let failedSoFar = false;
    const { batchItemFailures } = processPartialResponseSync(
      { Records: [...records] },
      (kinesisRecord: KinesisStreamRecord) => {
        if (failedSoFar) throw new EarlierRecordFailedError('An earlier record of this shard failed');
        const record = decodedBySequence.get(kinesisRecord.kinesis.sequenceNumber)!;
        try {
          transformed.push({ record, result: transform(record) });
        } catch (error) {
          failedSoFar = true;
          this.logger.error('Transforming a stream record failed; Lambda retries from it', {
            correlation_id: correlationIdOf(record),
            sequence_number: record.sequenceNumber,
            error,
          });
          throw error;
        }
      },
      this.processor,
    );
    return { transformed, firstFailed: batchItemFailures[0]?.itemIdentifier };
  }
}
