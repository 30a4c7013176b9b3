// The Enrichment Lambda: the same transformBatch the local worker runs, between a Kinesis event and the
// lake streams. Records that fail to be written are reported as partial batch failures, so Lambda
// retries from the first of them (with bisect-on-error and bounded retries set on the event source).
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { createLogger, type LakeTableName, type TelemetryEnvelope } from '@tributary/contracts';
import { DetectorStates, thingNamesIn, transformBatch, type TransformResult } from '../core/index.js';
import { ThingContextCache } from '../local/thing-context-cache.js';
import { DetectorStateTable, StateConflictError, type LoadedStates } from './detector-state-table.js';
import { IotThingRegistry, type RegisteredThing } from './iot-thing-registry.js';
import { decodeKinesisRecord } from './kinesis-records.js';
import { LakeStreamWriter, type LakeRowToPut } from './lake-stream-writer.js';

export interface EnrichmentDependencies {
  readonly registry: { describeThing(thingName: string): Promise<RegisteredThing | undefined> };
  readonly writer: Pick<LakeStreamWriter, 'put'>;
  /**
   * Where detector state lives between invocations (the AnomalyDetectionStack's table). Without it,
   * state is kept in this container's memory only.
   */
  readonly stateStore?: Pick<DetectorStateTable, 'load' | 'save'>;
}

export function createEnrichmentHandler(dependencies: EnrichmentDependencies) {
  // A container cannot hear registry changes, so a context lives one minute here. Registry events
  // ($aws/events/thing/..., which DeviceRegistryStack turns on) could invalidate it through a rule that
  // invokes the function; the shadow's reported state is not read on AWS yet (it needs the IoT data plane).
  const contexts = new ThingContextCache(dependencies.registry, { ttlMs: 60_000 });
  const containerStates = new DetectorStates();
  const loadStates = (things: readonly string[]): Promise<LoadedStates> =>
    dependencies.stateStore
      ? dependencies.stateStore.load(things)
      : Promise.resolve({ states: containerStates, versions: new Map() });

  return async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    const decoded = event.Records.map(decodeKinesisRecord);
    const rows: LakeRowToPut[] = [];
    const sourceOfRow: string[] = [];
    const add = (sequenceNumber: string, result: TransformResult) => {
      const tables: [LakeTableName, readonly Record<string, unknown>[]][] = [
        ['telemetry', result.readings],
        ['anomalies', result.anomalies],
        ['quarantine', result.quarantined],
      ];
      for (const [table, tableRows] of tables) {
        for (const row of tableRows) {
          rows.push({ table, row, partitionKey: String(row['thing_name'] ?? row['correlation_id']) });
          sourceOfRow.push(sequenceNumber);
        }
      }
    };

    const envelopes = decoded.flatMap((d) => (d.kind === 'envelope' ? [d.envelope] : []));
    const thingNames = thingNamesIn(envelopes);
    const thingContexts = await contexts.contextsFor(thingNames);
    const loaded = await loadStates(thingNames);
    for (const record of decoded) {
      if (record.kind === 'quarantined') {
        add(record.sequenceNumber, { readings: [], anomalies: [], quarantined: [record.record] });
      } else {
        add(
          record.sequenceNumber,
          transformBatch([record.envelope as TelemetryEnvelope], thingContexts, loaded.states),
        );
      }
    }

    const failedRows = await dependencies.writer.put(rows);
    if (failedRows.length > 0) {
      // Lambda checkpoints before the lowest reported sequence number and retries from it. The state is
      // not saved, so the retry scores from the state before this batch (the earlier records' learning is
      // lost, never counted twice).
      const failedSources = new Set(failedRows.map((index) => sourceOfRow[index]!));
      const firstFailed = decoded.find((record) => failedSources.has(record.sequenceNumber))!;
      return { batchItemFailures: [{ itemIdentifier: firstFailed.sequenceNumber }] };
    }
    try {
      await dependencies.stateStore?.save(thingNames, loaded);
    } catch (error) {
      // Another invocation learnt from these things meanwhile: retry the batch from fresh state.
      if (error instanceof StateConflictError && decoded[0]) {
        return { batchItemFailures: [{ itemIdentifier: decoded[0].sequenceNumber }] };
      }
      throw error;
    }
    return { batchItemFailures: [] };
  };
}

function requiredEnvironment(variable: string): string {
  const value = process.env[variable];
  if (!value) throw new Error(`The Enrichment Lambda needs ${variable}: set by EnrichmentStack`);
  return value;
}

function lakeStreamArnsFromEnvironment(): Record<LakeTableName, string> {
  return {
    telemetry: requiredEnvironment('TELEMETRY_STREAM_ARN'),
    anomalies: requiredEnvironment('ANOMALIES_STREAM_ARN'),
    quarantine: requiredEnvironment('QUARANTINE_STREAM_ARN'),
  };
}

let handlerOfThisContainer: ReturnType<typeof createEnrichmentHandler> | undefined;

/** The Lambda entry point (EnrichmentStack bundles this file). */
export const handler = (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
  handlerOfThisContainer ??= createEnrichmentHandler({
    registry: new IotThingRegistry(),
    stateStore: new DetectorStateTable(requiredEnvironment('DETECTOR_STATE_TABLE')),
    writer: new LakeStreamWriter(
      lakeStreamArnsFromEnvironment(),
      undefined,
      createLogger({ service: 'tributary-enrichment', write: (line) => console.log(line) }),
    ),
  });
  return handlerOfThisContainer(event);
};
