// The Enrichment Lambda's entry point (EnrichmentStack bundles this file): the handler wired to AWS, with the
// stream, table and bus names EnrichmentStack sets in its environment.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IoTClient } from '@aws-sdk/client-iot';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import type { StreamedLakeTableName } from '@tributary/contracts';
import { AnomalyEventPublisher } from './anomaly-event-publisher.js';
import { DetectorStateTable } from './detector-state-table.js';
import { createEnrichmentHandler, type EnrichmentHandler } from './enrichment-handler.js';
import { createEnrichmentTelemetry, platformLoggerOf } from './enrichment-telemetry.js';
import { accountIotDataPlaneClient } from './iot-shadow-reader.js';
import { IotThingRegistry } from './iot-thing-registry.js';
import { LakeStreamWriter } from './lake-stream-writer.js';
import { profileShadowReader } from './shadow-reading-profiles.js';

function requiredEnvironment(variable: string): string {
  const value = process.env[variable];
  if (!value) throw new Error(`The Enrichment Lambda needs ${variable}: set by EnrichmentStack`);
  return value;
}

function lakeStreamArnsFromEnvironment(): Record<StreamedLakeTableName, string> {
  return {
    telemetry: requiredEnvironment('TELEMETRY_STREAM_ARN'),
    anomalies: requiredEnvironment('ANOMALIES_STREAM_ARN'),
    quarantine: requiredEnvironment('QUARANTINE_STREAM_ARN'),
  };
}

function enrichmentHandlerOnAws(): EnrichmentHandler {
  const telemetry = createEnrichmentTelemetry();
  const log = platformLoggerOf(telemetry.logger);
  const iot = new IoTClient({});
  const registry = new IotThingRegistry(iot);
  return createEnrichmentHandler({
    registry,
    shadows: profileShadowReader(registry, accountIotDataPlaneClient(iot)),
    stateStore: new DetectorStateTable(requiredEnvironment('DETECTOR_STATE_TABLE')),
    writer: new LakeStreamWriter(lakeStreamArnsFromEnvironment(), new KinesisClient({}), log),
    anomalyEvents: new AnomalyEventPublisher(
      requiredEnvironment('ANOMALY_EVENT_BUS_NAME'),
      new EventBridgeClient({}),
      { logger: log },
    ),
    telemetry,
  });
}

let handlerOfThisContainer: EnrichmentHandler | undefined;

export const handler: EnrichmentHandler = (event, context) => {
  handlerOfThisContainer ??= enrichmentHandlerOnAws();
  return handlerOfThisContainer(event, context);
};
