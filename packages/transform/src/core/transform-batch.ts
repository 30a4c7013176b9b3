// The Transform stage's core: a batch of stream records in, enriched and scored readings, anomaly
// events and quarantine records out. Pure: the adapters fetch thing contexts and persist state.
import {
  thingNameFromTelemetryTopic,
  type AnomalyEvent,
  type EnrichedReading,
  type QuarantineRecord,
  type TelemetryEnvelope,
} from '@tributary/contracts';
import { nextAlarmTransition } from './alarm.js';
import type { DetectorStates } from './detector-states.js';
import { defaultEnrichment, type ThingContext, type ThingEnrichment } from './enrichment/index.js';
import { scoringTimeOf } from './device-time.js';
import { validateEnvelope } from './validate-envelope.js';

export interface TransformResult {
  readonly readings: EnrichedReading[];
  readonly anomalies: AnomalyEvent[];
  readonly quarantined: QuarantineRecord[];
}

/** Records must be in stream order per thing: detector state depends on it. */
export function transformBatch(
  envelopes: readonly TelemetryEnvelope[],
  contexts: ReadonlyMap<string, ThingContext>,
  detectors: DetectorStates,
  enrichment: ThingEnrichment = defaultEnrichment,
): TransformResult {
  const result: TransformResult = { readings: [], anomalies: [], quarantined: [] };
  const rows: EnrichedReading[] = [];
  for (const envelope of envelopes) {
    const outcome = validateEnvelope(envelope);
    if (outcome.kind === 'quarantined') {
      result.quarantined.push(outcome.record);
      continue;
    }
    if (outcome.refused) result.quarantined.push(outcome.refused);
    const context = contexts.get(outcome.thingName);
    for (const reading of outcome.readings) {
      rows.length = 0;
      enrichment.enrichReading(outcome.thingName, reading, envelope, context, rows);
      for (const row of rows) {
        const scored = score(row, detectors);
        result.readings.push(scored.reading);
        if (scored.anomaly) result.anomalies.push(scored.anomaly);
      }
    }
  }
  return result;
}

function score(row: EnrichedReading, detectors: DetectorStates) {
  const series = detectors.of(row.thing_name, row.metric);
  const anomalyScore = detectors.score(series, row.value, scoringTimeOf(row));
  // The row was built for this batch alone, so it is scored in place rather than copied.
  const reading = row;
  reading.anomaly_score = anomalyScore;
  const transition = nextAlarmTransition(series.alarm, anomalyScore);
  const anomaly: AnomalyEvent | undefined = transition && {
    event_id: `${row.thing_name}/${row.metric}/${row.message_id}/${transition.state}`,
    thing_name: row.thing_name,
    metric: row.metric,
    state: transition.state,
    score: anomalyScore ?? 0,
    value: row.value,
    device_time: row.device_time,
    received_at: row.received_at,
    detector: series.detector,
    correlation_id: row.correlation_id,
    severity: transition.severity,
  };
  return { reading, anomaly };
}

/** The thing names a batch needs context for, so an adapter can fetch them in one go. */
export function thingNamesIn(envelopes: readonly TelemetryEnvelope[]): string[] {
  const names = new Set<string>();
  for (const e of envelopes) {
    const name = thingNameFromTelemetryTopic(e.topic);
    if (name) names.add(name);
  }
  return [...names];
}
