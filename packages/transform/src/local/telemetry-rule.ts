// The topic rule that feeds the telemetry stream. It belongs to Transform (the stage that owns the
// stream), reads Ingest's topic filter from contracts, and has the same SQL and partition key as the
// CDK topic rule.
import { TelemetryEnvelope, telemetryRuleSql, topics } from '@tributary/contracts';
import type { RuleErrorRecord, TopicRule } from '@tributary/ingest';
import type { TelemetryStream } from './stream/index.js';

export const telemetryRuleName = 'tributary_telemetry';

/** One partition key per thing keeps each device's readings in order, as on AWS. */
export const telemetryPartitionKey = '${topic(3)}';

export function telemetryRule(
  stream: Pick<TelemetryStream, 'put'>,
  errorAction: (record: RuleErrorRecord) => Promise<void>,
): TopicRule {
  return {
    name: telemetryRuleName,
    sql: telemetryRuleSql(topics.telemetryFilter),
    actions: [
      {
        kind: 'stream',
        streamName: 'telemetry-stream',
        partitionKey: telemetryPartitionKey,
        // The rule's SELECT is the envelope's projection; parsing keeps the stream typed and fails
        // the action (to the error action) if the two ever drift apart.
        put: (record) => stream.put(TelemetryEnvelope.parse(record)),
      },
    ],
    errorAction: {
      kind: 'stream',
      streamName: 'telemetry-rule-errors',
      partitionKey: telemetryPartitionKey,
      put: (record) => errorAction(record),
    },
  };
}
