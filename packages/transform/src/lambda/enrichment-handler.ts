// The Enrichment Lambda: the same transformBatch the local worker runs, between a Kinesis event and the
// lake streams, with raised and cleared anomalies put on EventBridge. A record that fails (its transform, its
// lake rows or its anomaly events) is reported as the batch's partial failure, so Lambda retries from it
// (with bisect-on-error and bounded retries set on the event source); detector state is then not saved, so
// the retry scores from the state before this batch: the earlier records' learning is lost, never counted
// twice.
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { Logger } from '@tributary/contracts';
import { DetectorStates, thingNamesIn, transformBatch, type TransformResult } from '../core/index.js';
import {
  ThingContextCache,
  type ReportedStateReader,
  type ThingRegistry,
} from '../local/thing-context-cache.js';
import type { AnomalyEventPublisher } from './anomaly-event-publisher.js';
import { StateConflictError, type DetectorStateTable, type LoadedStates } from './detector-state-table.js';
import {
  createEnrichmentTelemetry,
  platformLoggerOf,
  publishInvocationCounts,
  type EnrichmentTelemetry,
  type InvocationCounts,
} from './enrichment-telemetry.js';
import { correlationIdOf, decodeKinesisRecord, type DecodedRecord } from './kinesis-records.js';
import { lakeRowsOf, type LakeStreamWriter } from './lake-stream-writer.js';
import { RecordTransformer, type TransformedRecord } from './transform-records.js';

export interface EnrichmentDependencies {
  readonly registry: ThingRegistry;
  /** Where the classic shadows are read; without it contexts carry no reported state. */
  readonly shadows?: ReportedStateReader;
  readonly writer: Pick<LakeStreamWriter, 'put'>;
  readonly anomalyEvents: Pick<AnomalyEventPublisher, 'publish'>;
  /**
   * Where detector state lives between invocations (the AnomalyDetectionStack's table). Without it,
   * state is kept in this container's memory only.
   */
  readonly stateStore?: Pick<DetectorStateTable, 'load' | 'save'>;
  /** @default createEnrichmentTelemetry() (Powertools Logger and Metrics) */
  readonly telemetry?: EnrichmentTelemetry;
}

export type EnrichmentHandler = (
  event: KinesisStreamEvent,
  context?: Context,
) => Promise<KinesisStreamBatchResponse>;

export function createEnrichmentHandler(dependencies: EnrichmentDependencies): EnrichmentHandler {
  const { logger, metrics } = dependencies.telemetry ?? createEnrichmentTelemetry();
  const log = platformLoggerOf(logger);
  // A container cannot hear registry or shadow changes, so a context lives one minute here. Registry events
  // ($aws/events/thing/..., which DeviceRegistryStack turns on) could invalidate it through a rule that
  // invokes the function. An expired one is read again at once: work left running after an invocation
  // returns is frozen with the container.
  const contexts = new ThingContextCache(dependencies.registry, {
    ttlMs: 60_000,
    serveStaleWhileReading: false,
    ...(dependencies.shadows ? { shadows: dependencies.shadows } : {}),
  });
  const transformer = new RecordTransformer(log);
  const containerStates = new DetectorStates();
  const loadStates = (things: readonly string[]): Promise<LoadedStates> =>
    dependencies.stateStore
      ? dependencies.stateStore.load(things)
      : Promise.resolve({ states: containerStates, versions: new Map() });

  const enrich = async (event: KinesisStreamEvent, counts: Counts): Promise<KinesisStreamBatchResponse> => {
    const decoded = event.Records.map(decodeKinesisRecord);
    const envelopes = decoded.flatMap((record) => (record.kind === 'envelope' ? [record.envelope] : []));
    const thingNames = thingNamesIn(envelopes);
    const thingContexts = await contexts.contextsFor(thingNames);
    const loaded = await loadStates(thingNames);
    const { transformed, firstFailed: firstUntransformed } = transformer.transformInOrder(
      event.Records,
      decoded,
      (record): TransformResult =>
        record.kind === 'quarantined'
          ? { readings: [], anomalies: [], quarantined: [record.record] }
          : transformBatch([record.envelope], thingContexts, loaded.states),
    );
    const failures = new FirstFailure(decoded);
    if (firstUntransformed) failures.report(firstUntransformed, 'its transform threw');

    await writeLakeRows(dependencies.writer, transformed, failures, counts);
    await publishAnomalyEvents(dependencies.anomalyEvents, failures.before(transformed), failures, counts);
    if (failures.any) return failures.response(log);
    try {
      await dependencies.stateStore?.save(thingNames, loaded);
    } catch (error) {
      // Another invocation learnt from these things meanwhile: retry the batch from fresh state. Its rows and
      // events go out again; an anomaly event keeps its event_id, so subscribers can drop the repeat.
      if (error instanceof StateConflictError && decoded[0]) {
        log.warn('Detector state changed under this batch; Lambda retries it from its first record', {
          correlation_id: correlationIdOf(decoded[0]),
          sequence_number: decoded[0].sequenceNumber,
          error,
        });
        return { batchItemFailures: [{ itemIdentifier: decoded[0].sequenceNumber }] };
      }
      throw error;
    }
    return { batchItemFailures: [] };
  };

  return async (event, context) => {
    if (context) logger.addContext(context);
    const counts: Counts = {
      readingsEnriched: 0,
      recordsQuarantined: 0,
      anomaliesRaised: 0,
      anomaliesCleared: 0,
      lakeRowsFailed: 0,
    };
    try {
      return await enrich(event, counts);
    } finally {
      publishInvocationCounts(metrics, counts);
    }
  };
}

/**
 * Puts the rows of the transformed records on the lake streams and reports the records of refused rows. This
 * phase stays outside the batch processor: one PutRecords call carries many records' rows, and which records
 * failed is known only once the call returns.
 */
async function writeLakeRows(
  writer: EnrichmentDependencies['writer'],
  transformed: readonly TransformedRecord[],
  failures: FirstFailure,
  counts: Counts,
): Promise<void> {
  const rows = transformed.flatMap(({ record, result }) =>
    lakeRowsOf(result).map((row) => ({ ...row, source: record.sequenceNumber })),
  );
  const failedRows = new Set(await writer.put(rows));
  rows.forEach((row, index) => {
    if (failedRows.has(index)) failures.report(row.source, 'Kinesis refused its lake rows');
    else if (row.table === 'telemetry') counts.readingsEnriched++;
    else if (row.table === 'quarantine') counts.recordsQuarantined++;
  });
  counts.lakeRowsFailed = failedRows.size;
}

/**
 * Puts the anomaly events of `delivered` (the records before the first failure, whose rows are in the lake)
 * on the bus: Lambda checkpoints past those records and never sends them again, so their events go out now
 * or never. Records whose events EventBridge kept refusing are reported.
 */
async function publishAnomalyEvents(
  anomalyEvents: EnrichmentDependencies['anomalyEvents'],
  delivered: readonly TransformedRecord[],
  failures: FirstFailure,
  counts: Counts,
): Promise<void> {
  const events = delivered.flatMap(({ record, result }) =>
    result.anomalies.map((anomaly) => ({ anomaly, source: record.sequenceNumber })),
  );
  const refused = new Set(await anomalyEvents.publish(events.map((event) => event.anomaly)));
  events.forEach(({ anomaly, source }, index) => {
    if (refused.has(index)) failures.report(source, 'EventBridge refused its anomaly events');
    else if (anomaly.state === 'raised') counts.anomaliesRaised++;
    else counts.anomaliesCleared++;
  });
}

type Counts = { -readonly [K in keyof InvocationCounts]: InvocationCounts[K] };

/** The earliest failed record of a batch, in stream order: Lambda retries from it. */
class FirstFailure {
  private readonly positionOf: Map<string, number>;
  private earliest: { readonly position: number; readonly why: string } | undefined;

  constructor(private readonly records: readonly DecodedRecord[]) {
    this.positionOf = new Map(records.map((record, position) => [record.sequenceNumber, position]));
  }

  report(sequenceNumber: string, why: string): void {
    const position = this.positionOf.get(sequenceNumber)!;
    if (!this.earliest || position < this.earliest.position) this.earliest = { position, why };
  }

  /** The transformed records before the first failure (all of them when none failed). */
  before(transformed: readonly TransformedRecord[]): TransformedRecord[] {
    const end = this.earliest?.position ?? Infinity;
    return transformed.filter(({ record }) => this.positionOf.get(record.sequenceNumber)! < end);
  }

  /** The partial batch response: the first failed record, logged with its correlation id, or none. */
  response(log: Logger): KinesisStreamBatchResponse {
    if (!this.earliest) return { batchItemFailures: [] };
    const record = this.records[this.earliest.position]!;
    log.warn(`A stream record failed (${this.earliest.why}); Lambda retries the batch from it`, {
      correlation_id: correlationIdOf(record),
      sequence_number: record.sequenceNumber,
    });
    return { batchItemFailures: [{ itemIdentifier: record.sequenceNumber }] };
  }

  get any(): boolean {
    return this.earliest !== undefined;
  }
}
