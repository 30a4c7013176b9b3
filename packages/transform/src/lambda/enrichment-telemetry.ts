// The Enrichment Lambda's logs and metrics, with Powertools: structured JSON logs carrying the Lambda
// context, and EMF metrics in the "Tributary" namespace that CloudWatch extracts from the log stream.
// Only the Lambda uses Powertools; the local platform keeps the contracts JSON logger.
// https://docs.powertools.aws.dev/lambda/typescript/latest/core/metrics/
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import type { Logger } from '@tributary/contracts';

export const enrichmentServiceName = 'tributary-enrichment';

/** What one invocation delivered, published as one EMF document when it ends. */
export interface InvocationCounts {
  /** Enriched readings Kinesis accepted on the telemetry lake stream. */
  readonly readingsEnriched: number;
  /** Quarantine records Kinesis accepted on the quarantine lake stream. */
  readonly recordsQuarantined: number;
  /** Anomaly events EventBridge accepted, by state. */
  readonly anomaliesRaised: number;
  readonly anomaliesCleared: number;
  /** Lake rows Kinesis refused (their stream records are retried). */
  readonly lakeRowsFailed: number;
}

export interface EnrichmentTelemetry {
  readonly logger: PowertoolsLogger;
  readonly metrics: Metrics;
}

export function createEnrichmentTelemetry(): EnrichmentTelemetry {
  return {
    logger: new PowertoolsLogger({ serviceName: enrichmentServiceName }),
    metrics: new Metrics({
      namespace: 'Tributary',
      serviceName: enrichmentServiceName,
      defaultDimensions: { stage: 'transform' },
    }),
  };
}

/**
 * Adds the invocation's counts and flushes them. Zeros are published too, so a quiet stream shows as 0
 * rather than as no data.
 */
export function publishInvocationCounts(metrics: Metrics, counts: InvocationCounts): void {
  metrics.addMetric('ReadingsEnriched', MetricUnit.Count, counts.readingsEnriched);
  metrics.addMetric('RecordsQuarantined', MetricUnit.Count, counts.recordsQuarantined);
  metrics.addMetric('AnomaliesRaised', MetricUnit.Count, counts.anomaliesRaised);
  metrics.addMetric('AnomaliesCleared', MetricUnit.Count, counts.anomaliesCleared);
  metrics.addMetric('LakeRowsFailed', MetricUnit.Count, counts.lakeRowsFailed);
  metrics.publishStoredMetrics();
}

/** The platform's Logger interface over a Powertools logger, for the adapters shared with local code. */
export function platformLoggerOf(logger: PowertoolsLogger): Logger {
  return {
    debug: (message, fields = {}) => logger.debug(message, fields),
    info: (message, fields = {}) => logger.info(message, fields),
    warn: (message, fields = {}) => logger.warn(message, fields),
    error: (message, fields = {}) => logger.error(message, fields),
    child: (fields) => platformLoggerOf(logger.createChild({ persistentKeys: fields })),
  };
}
