// Topic rules as AWS IoT defines them (`{ sql, actions, errorAction }`), and the part of IoT SQL the
// local rules engine runs today: the telemetry rule's projection. Any other SQL is refused loudly
// rather than evaluated differently from AWS.
import { telemetryRuleSql, type TelemetryEnvelope } from '@tributary/contracts';

/** What the rule's SELECT produces for one message; the telemetry projection yields an envelope. */
export type RuleOutput = TelemetryEnvelope;

/** The error record AWS sends to a rule's error action (rule-error-handling.html). */
export interface RuleErrorRecord {
  readonly ruleName: string;
  readonly topic: string;
  readonly clientId: string;
  readonly base64OriginalPayload: string;
  readonly failures: readonly { failedAction: string; failedResource: string; errorMessage: string }[];
}

export interface TopicRule {
  readonly name: string;
  readonly sql: string;
  readonly action: { readonly name: string; readonly run: (output: RuleOutput) => Promise<void> | void };
  readonly errorAction?: (record: RuleErrorRecord) => Promise<void> | void;
}

export class UnsupportedRuleSqlError extends Error {
  readonly code = 'UNSUPPORTED_RULE_SQL';
  constructor(ruleName: string, sql: string) {
    super(
      `Rule "${ruleName}": the local rules engine does not evaluate this IoT SQL yet: ${sql}. ` +
        `Supported today: ${telemetryRuleSql('<topic filter>')}`,
    );
  }
}

export interface CompiledRule {
  readonly rule: TopicRule;
  readonly topicFilter: string;
}

const fromClause = /\s+FROM\s+'([^']+)'\s*$/i;

/** Checks the rule's SQL is one the engine evaluates exactly as AWS does, and extracts its FROM filter. */
export function compileRule(rule: TopicRule): CompiledRule {
  const from = fromClause.exec(rule.sql);
  const topicFilter = from?.[1];
  if (topicFilter === undefined || rule.sql.trim() !== telemetryRuleSql(topicFilter)) {
    throw new UnsupportedRuleSqlError(rule.name, rule.sql);
  }
  return { rule, topicFilter };
}

export interface MessageFacts {
  readonly topic: string;
  readonly clientId: string;
  readonly payload: Buffer;
  /** Rules-engine time, IoT SQL `timestamp()`. */
  readonly receivedAt: number;
  /** IoT SQL `newuuid()`. */
  readonly newUuid: string;
}

/** The telemetry projection: `encode(*, 'base64') AS payload, topic(), clientid(), timestamp(), newuuid()`. */
export function project(facts: MessageFacts): RuleOutput {
  return {
    payload: facts.payload.toString('base64'),
    topic: facts.topic,
    clientId: facts.clientId,
    receivedAt: facts.receivedAt,
    correlationId: facts.newUuid,
  };
}
