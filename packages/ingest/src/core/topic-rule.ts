// Topic rules as AWS IoT defines them (`{ sql, actions, errorAction }`), compiled for the local rules
// engine: the SQL parsed once, every substitution template parsed once, so a rule the engine cannot run
// exactly as AWS does is refused when it is added rather than when a message arrives.
import { isRuleSqlError } from './iot-sql/errors.js';
import { parseRuleSql } from './iot-sql/parser.js';
import type { RuleSqlStatement } from './iot-sql/ast.js';
import type { RuleOutput } from './iot-sql/evaluator.js';
import { parseTemplate, type SubstitutionTemplate } from './iot-sql/substitution-template.js';
import { compileTopicFilter } from './topic-filter.js';

export type { RuleOutput } from './iot-sql/evaluator.js';
export type { RuleSqlStatement } from './iot-sql/ast.js';
export { InvalidRuleSqlError, UnsupportedRuleSqlError } from './iot-sql/errors.js';

/**
 * Puts the rule's output on a stream, as the Kinesis action does (kinesis-rule-action.html): the SELECT
 * output is the record, `partitionKey` a substitution template such as `${topic(3)}`.
 */
export interface StreamAction<Record = RuleOutput> {
  readonly kind: 'stream';
  /** The stream's name: the `failedResource` of an error record. */
  readonly streamName: string;
  readonly partitionKey: string;
  readonly put: (record: Record, partitionKey: string) => Promise<void> | void;
}

/**
 * Publishes the rule's output to `topic`, a substitution template (republish-rule-action.html). A
 * topic written `$$aws/...` is published to the reserved topic `$aws/...`.
 */
export interface RepublishAction {
  readonly kind: 'republish';
  readonly topic: string;
  /** @default 0 */
  readonly qos?: 0 | 1;
}

export type RuleAction = StreamAction | RepublishAction;

/** The error record AWS sends to a rule's error action (rule-error-handling.html). */
export interface RuleErrorRecord {
  readonly ruleName: string;
  readonly topic: string;
  readonly cloudwatchTraceId: string;
  readonly clientId: string;
  readonly base64OriginalPayload: string;
  readonly failures: readonly RuleActionFailure[];
}

export interface RuleActionFailure {
  /** The action's type as AWS names it, e.g. `KinesisAction`, `RepublishAction`. */
  readonly failedAction: string;
  /** The stream name or the topic. */
  readonly failedResource: string;
  readonly errorMessage: string;
}

/** A rule's error action: the same actions, receiving the error record instead of the SELECT output. */
export type RuleErrorAction = StreamAction<RuleErrorRecord> | RepublishAction;

export interface TopicRule {
  /** `[a-zA-Z0-9_]+`, as AWS requires; Basic Ingest addresses the rule by it. */
  readonly name: string;
  /** IoT SQL, version 2016-03-23. */
  readonly sql: string;
  readonly actions: readonly RuleAction[];
  readonly errorAction?: RuleErrorAction;
}

/**
 * An action with its substitution template parsed: the partition key of a stream action, the topic of a
 * republish action.
 */
export interface CompiledAction<A extends RuleAction | RuleErrorAction = RuleAction> {
  readonly action: A;
  readonly template: SubstitutionTemplate;
}

export interface CompiledRule {
  readonly rule: TopicRule;
  readonly statement: RuleSqlStatement;
  /** Whether a published topic triggers the rule: its FROM filter, split once. */
  readonly triggeredBy: (topic: string) => boolean;
  readonly actions: readonly CompiledAction[];
  readonly errorAction?: CompiledAction<RuleErrorAction>;
}

export class InvalidTopicRuleError extends Error {
  readonly code = 'INVALID_TOPIC_RULE';
  constructor(ruleName: string, reason: string, options?: { cause: unknown }) {
    super(`Rule "${ruleName}": ${reason}`, options);
    this.name = 'InvalidTopicRuleError';
  }
}

const ruleName = /^[a-zA-Z0-9_]{1,128}$/;

/**
 * Parses the rule's SQL and its actions' templates. Throws `InvalidRuleSqlError` or
 * `UnsupportedRuleSqlError` naming the rule and the position, or `InvalidTopicRuleError`.
 */
export function compileRule(rule: TopicRule): CompiledRule {
  if (!ruleName.test(rule.name)) {
    throw new InvalidTopicRuleError(rule.name, 'a rule name is 1-128 letters, digits or underscores');
  }
  if (rule.actions.length === 0)
    throw new InvalidTopicRuleError(rule.name, 'a rule needs at least one action');
  try {
    const statement = parseRuleSql(rule.sql);
    const { topicFilter } = statement;
    return {
      rule,
      statement,
      triggeredBy: topicFilter === undefined ? () => false : compileTopicFilter(topicFilter),
      actions: rule.actions.map(compileAction),
      ...(rule.errorAction && { errorAction: compileAction(rule.errorAction) }),
    };
  } catch (error) {
    throw isRuleSqlError(error) ? error.forRule(rule.name) : error;
  }
}

function compileAction<A extends RuleAction | RuleErrorAction>(action: A): CompiledAction<A> {
  return { action, template: parseTemplate(action.kind === 'stream' ? action.partitionKey : action.topic) };
}

const basicIngestPrefix = '$aws/rules/';

/**
 * For a Basic Ingest topic `$aws/rules/<ruleName>/<rest>`, the rule it invokes and the topic that rule
 * sees — the prefix stripped, so `topic(3)` of `$aws/rules/R/a/b/c` is `c` (iot-basic-ingest.html).
 */
export function basicIngestTargetOf(topic: string): { ruleName: string; topic: string } | undefined {
  if (!topic.startsWith(basicIngestPrefix)) return undefined;
  const rest = topic.slice(basicIngestPrefix.length);
  const slash = rest.indexOf('/');
  return slash < 0
    ? { ruleName: rest, topic: '' }
    : { ruleName: rest.slice(0, slash), topic: rest.slice(slash + 1) };
}
