// The topic rule that feeds the telemetry stream. It belongs to Transform (the stage that owns the
// stream), reads Ingest's topic filter from contracts, and has the same SQL as the CDK topic rule.
import { telemetryRuleSql, topics } from '@tributary/contracts';
import type { RuleErrorRecord, TopicRule } from '@tributary/ingest';
import type { LocalTelemetryStream } from './telemetry-stream.js';

export const telemetryRuleName = 'tributary_telemetry';

export function telemetryRule(
  stream: Pick<LocalTelemetryStream, 'put'>,
  errorAction: (record: RuleErrorRecord) => Promise<void>,
): TopicRule {
  return {
    name: telemetryRuleName,
    sql: telemetryRuleSql(topics.telemetryFilter),
    action: { name: 'kinesis:telemetry-stream', run: (envelope) => stream.put(envelope) },
    errorAction,
  };
}
