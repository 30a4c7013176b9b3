// Connects the telemetry stream to the pure core: fetch thing contexts, transform a batch, hand the
// result to the sink (the lake and the live dashboard). Dead-lettered records become quarantine rows.
import type { Logger, QuarantineRecord, TelemetryEnvelope } from '@tributary/contracts';
import { DetectorStates } from '../core/detector-states.js';
import { thingNamesIn, transformBatch, type TransformResult } from '../core/transform-batch.js';
import type { ThingContextCache } from './thing-context-cache.js';
import type { TakenBatch, TelemetryStream } from './stream/telemetry-stream-port.js';

export interface TransformSink {
  /**
   * Takes the result (waiting while it has no room) and resolves once it has; `durable` resolves once the
   * result is durable (e.g. `lake.appendWhenRoom(...)`, then `lake.flushed()`). The stream checkpoints
   * after `durable`, and a checkpointed record is never delivered again; meanwhile the next batch goes on.
   */
  take(result: TransformResult): Promise<TakenBatch>;
}

export interface TransformWorkerOptions {
  readonly stream: TelemetryStream;
  readonly contexts: ThingContextCache;
  readonly sink: TransformSink;
  readonly logger: Logger;
  readonly detectors?: DetectorStates;
}

export function startTransformWorker(options: TransformWorkerOptions): {
  readonly detectors: DetectorStates;
} {
  const detectors = options.detectors ?? new DetectorStates();
  options.stream.start(
    async (batch) => {
      const contexts = await options.contexts.contextsFor(thingNamesIn(batch));
      return options.sink.take(transformBatch(batch, contexts, detectors));
    },
    async (record, error) => {
      options.logger.error('record dead-lettered to quarantine', {
        correlationId: record.correlationId,
        error,
      });
      const taken = await options.sink.take({
        readings: [],
        anomalies: [],
        quarantined: [deadLetterRecord(record, error)],
      });
      await taken.durable;
    },
  );
  return { detectors };
}

function deadLetterRecord(record: TelemetryEnvelope, error: unknown): QuarantineRecord {
  return {
    correlation_id: record.correlationId,
    received_at: record.receivedAt,
    topic: record.topic,
    client_id: record.clientId,
    thing_name: null,
    stage: 'transform',
    reason: 'PROCESSING_FAILED',
    detail: `Processing failed after retries: ${error instanceof Error ? error.message : String(error)}`,
    payload_base64: record.payload,
  };
}
