// What the transform worker and the telemetry rule need from a telemetry stream: the DurableTelemetryStream
// provides it.
import type { TelemetryEnvelope } from '@tributary/contracts';

/** A batch the processor took whose output becomes durable later. */
export interface TakenBatch {
  readonly durable: Promise<void>;
}

export interface TelemetryStream {
  /** Resolves once the stream holds the record (the durable stream: once it is fsync'd). */
  put(record: TelemetryEnvelope): Promise<void>;
  /**
   * Starts consuming. `process` resolves once its output is durable, or once it took the batch if it
   * returns `durable` (see StreamBatchResponse.durable); throwing retries the batch.
   */
  start(
    process: (batch: readonly TelemetryEnvelope[]) => Promise<TakenBatch | void>,
    deadLetter: (record: TelemetryEnvelope, error: unknown) => Promise<void>,
  ): void;
  stop(): Promise<void>;
  /** Records put but not yet processed. */
  readonly depth: number;
  /** Records processed (or dead-lettered) since the stream was opened. */
  readonly processed: number;
}
