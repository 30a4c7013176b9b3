// Adds registry context to a validated reading and splits it into one row per metric.
import type { EnrichedReading, TelemetryEnvelope } from '@tributary/contracts';
import type { IdentifiedReading } from './validate-envelope.js';

/** What the registry knows about a thing, fetched by the adapter before the pure core runs. */
export interface ThingContext {
  readonly thingName: string;
  readonly thingType: string | null;
  readonly attributes: Readonly<Record<string, string>>;
}

export function enrichReading(
  thingName: string,
  reading: IdentifiedReading,
  envelope: TelemetryEnvelope,
  context: ThingContext | undefined,
): EnrichedReading[] {
  return Object.entries(reading.metrics).map(([metric, value]) => ({
    thing_name: thingName,
    metric,
    value,
    device_time: reading.ts ?? envelope.receivedAt,
    received_at: envelope.receivedAt,
    message_id: reading.messageId,
    correlation_id: envelope.correlationId,
    thing_type: context?.thingType ?? null,
    site: context?.attributes['site'] ?? null,
    anomaly_score: null,
  }));
}
