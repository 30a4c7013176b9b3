// The topic rules that deliver what IoT Core publishes itself — accepted shadow updates and lifecycle
// events — into the lake. Each rule's SELECT output is a row of its table: the deployed rule puts it on the
// table's Firehose, the local rules engine hands it to the lake writer. One SQL for both.
import { columnsOf, ruleFedLakeTables, type RuleFedLakeTableName } from './lake.js';

/** The IoT SQL version every rule here is written in. */
export const lakeDeliveryRuleSqlVersion = '2016-03-23';

export interface LakeDeliveryRule {
  /** Unique, `[a-zA-Z0-9_]+` as AWS requires. */
  readonly name: string;
  readonly table: RuleFedLakeTableName;
  /** IoT SQL, in lakeDeliveryRuleSqlVersion. */
  readonly sql: string;
}

// Shadow timestamps are epoch seconds (device-shadow-document.html); the lake's are milliseconds.
const shadowHistorySelect = (shadowName: string): string =>
  [
    'topic(3) AS thing_name',
    `${shadowName} AS shadow_name`,
    'current.version AS version',
    'previous.version AS previous_version',
    'cast(current.state.reported AS String) AS reported',
    'cast(current.state.desired AS String) AS desired',
    'timestamp * 1000 AS updated_at',
    'clientToken AS client_token',
    'timestamp() AS received_at',
  ].join(', ');

const lifecycleEventSelect = [
  'eventType AS event_type',
  'clientId AS client_id',
  'thingName AS thing_name',
  'sessionIdentifier AS session_identifier',
  'principalIdentifier AS principal_identifier',
  'versionNumber AS version_number',
  'ipAddress AS ip_address',
  'clientInitiatedDisconnect AS client_initiated_disconnect',
  'disconnectReason AS disconnect_reason',
  'connectFailureReason AS connect_failure_reason',
  'cast(topics AS String) AS topics',
  'timestamp AS event_timestamp',
  'timestamp() AS received_at',
].join(', ');

/** Two rules per table: one topic filter cannot match both the classic and named shadows (or both event kinds). */
export const lakeDeliveryRules: readonly LakeDeliveryRule[] = [
  {
    name: 'tributary_shadow_history',
    table: 'shadow_history',
    sql: `SELECT ${shadowHistorySelect('NULL')} FROM '$aws/things/+/shadow/update/documents'`,
  },
  {
    name: 'tributary_named_shadow_history',
    table: 'shadow_history',
    sql: `SELECT ${shadowHistorySelect('topic(6)')} FROM '$aws/things/+/shadow/name/+/update/documents'`,
  },
  {
    name: 'tributary_presence_events',
    table: 'lifecycle_events',
    sql: `SELECT ${lifecycleEventSelect} FROM '$aws/events/presence/+/+'`,
  },
  {
    name: 'tributary_subscription_events',
    table: 'lifecycle_events',
    sql: `SELECT ${lifecycleEventSelect} FROM '$aws/events/subscriptions/+/+'`,
  },
];

export type RuleFedLakeRow<T extends RuleFedLakeTableName> = ReturnType<
  (typeof ruleFedLakeTables)[T]['row']['parse']
>;

export class RuleOutputMismatchError extends Error {
  readonly code = 'RULE_OUTPUT_MISMATCH';
  constructor(message: string) {
    super(message);
    this.name = 'RuleOutputMismatchError';
  }
}

/**
 * The row a rule's output stands for. IoT SQL leaves out what is Undefined — a field this kind of event
 * does not carry — and Firehose's Parquet conversion reads a missing field as NULL: so does this.
 * Throws RuleOutputMismatchError when the output does not fit the table's contract.
 */
export function lakeRowOfRuleOutput<T extends RuleFedLakeTableName>(
  table: T,
  output: Readonly<Record<string, unknown>>,
): RuleFedLakeRow<T> {
  const row = Object.fromEntries(columnsOf(table).map(({ name }) => [name, output[name] ?? null]));
  const parsed = ruleFedLakeTables[table].row.safeParse(row);
  if (parsed.success) return parsed.data as RuleFedLakeRow<T>;
  const issue = parsed.error.issues[0];
  throw new RuleOutputMismatchError(
    `A rule's output is not a "${table}" row: field "${issue?.path.join('.') ?? ''}" ${issue?.message ?? ''}. ` +
      `Its SQL must select the ${table} columns of @tributary/contracts.`,
  );
}
