// Powertools with metrics off and logs silenced, for tests about rows and calls rather than telemetry.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { EnrichmentTelemetry } from '../../src/lambda/enrichment-telemetry.js';

export function quietTelemetry(): EnrichmentTelemetry {
  // Metrics reads whether it is disabled when it is constructed.
  process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';
  try {
    return { logger: new Logger({ logLevel: 'SILENT' }), metrics: new Metrics({ namespace: 'Tributary' }) };
  } finally {
    delete process.env['POWERTOOLS_METRICS_DISABLED'];
  }
}
