// The catalogue of values one stage publishes for others (as SSM parameters on AWS).
// Each parameter belongs to the stage that publishes it; `ReadableBy` makes reading a downstream
// stage's parameter a type error, so the deploy order can never be inverted by accident.
import type { LakeTableName, StreamedLakeTableName } from './lake.js';
import type { ReadableBy, Stage } from './stages.js';

export interface StageParameter<S extends Stage = Stage> {
  readonly stage: S;
  /** The SSM parameter name, `/tributary/<stage>/<key>`. */
  readonly name: string;
  readonly description: string;
}

function parameter<S extends Stage>(stage: S, key: string, description: string): StageParameter<S> {
  return { stage, name: `/tributary/${stage}/${key}`, description };
}

export const parameters = {
  ingest: {
    telemetryTopicFilter: parameter(
      'ingest',
      'telemetry-topic-filter',
      'MQTT filter devices publish telemetry on',
    ),
    thingTypeName: parameter('ingest', 'thing-type-name', 'Thing type of simulated and sample devices'),
    devicePolicyName: parameter('ingest', 'device-policy-name', 'IoT policy attached to device certificates'),
    claimPolicyName: parameter(
      'ingest',
      'claim-policy-name',
      'IoT policy for the fleet-provisioning claim certificate (attach it to the claim certificate)',
    ),
  },
  transform: {
    telemetryStreamArn: parameter(
      'transform',
      'telemetry-stream-arn',
      'Kinesis stream the telemetry rule feeds',
    ),
    telemetryStreamName: parameter('transform', 'telemetry-stream-name', 'Name of that stream'),
    streamKeyArn: parameter('transform', 'stream-key-arn', 'KMS key that encrypts the Transform streams'),
    telemetryLakeStreamArn: parameter(
      'transform',
      'lake-stream-arn/telemetry',
      'Kinesis stream of enriched readings, rows of the telemetry lake table',
    ),
    anomaliesLakeStreamArn: parameter(
      'transform',
      'lake-stream-arn/anomalies',
      'Kinesis stream of anomaly events, rows of the anomalies lake table',
    ),
    quarantineLakeStreamArn: parameter(
      'transform',
      'lake-stream-arn/quarantine',
      'Kinesis stream of quarantine records, rows of the quarantine lake table',
    ),
    enrichmentFunctionName: parameter('transform', 'enrichment-function-name', 'The Enrichment Lambda'),
    enrichmentLogGroupName: parameter(
      'transform',
      'enrichment-log-group-name',
      "The Enrichment Lambda's log group (JSON logs, Powertools)",
    ),
    pipelineAlarmTopicArn: parameter(
      'transform',
      'pipeline-alarm-topic-arn',
      'SNS topic of the Transform pipeline alarms (lag, errors, dead letters)',
    ),
    detectorStateTableName: parameter(
      'transform',
      'detector-state-table',
      'DynamoDB table of detector state',
    ),
    anomalyEventBusName: parameter(
      'transform',
      'anomaly-event-bus-name',
      'EventBridge bus the Enrichment Lambda puts anomaly alarm transitions on',
    ),
    anomalyAlarmTopicArn: parameter(
      'transform',
      'anomaly-alarm-topic-arn',
      'SNS topic that receives raised anomaly alarms (subscribe operators here)',
    ),
  },
  store: {
    lakeBucketName: parameter('store', 'lake-bucket-name', 'S3 bucket of the curated lake'),
    lakeKeyArn: parameter('store', 'lake-key-arn', 'KMS key that encrypts the lake'),
    quarantineBucketName: parameter(
      'store',
      'quarantine-bucket-name',
      'S3 bucket of the quarantine table: input refused with its reason and original bytes',
    ),
    glueDatabaseName: parameter('store', 'glue-database-name', 'Glue database of the lake tables'),
    telemetryDeliveryStreamName: parameter(
      'store',
      'delivery-stream-name/telemetry',
      'Firehose that delivers the telemetry lake table into the lake',
    ),
    anomaliesDeliveryStreamName: parameter(
      'store',
      'delivery-stream-name/anomalies',
      'Firehose that delivers the anomalies lake table into the lake',
    ),
    quarantineDeliveryStreamName: parameter(
      'store',
      'delivery-stream-name/quarantine',
      'Firehose that delivers the quarantine lake table into the lake',
    ),
    shadow_historyDeliveryStreamName: parameter(
      'store',
      'delivery-stream-name/shadow_history',
      'Firehose the shadow history topic rules put accepted shadow updates on',
    ),
    lifecycle_eventsDeliveryStreamName: parameter(
      'store',
      'delivery-stream-name/lifecycle_events',
      'Firehose the lifecycle event topic rules put connect, disconnect and subscription events on',
    ),
    deliveryAlarmTopicArn: parameter(
      'store',
      'delivery-alarm-topic-arn',
      'SNS topic of the lake delivery alarms (rows held back, not converted to Parquet, or refused by a topic rule)',
    ),
  },
  insights: {
    athenaWorkgroupName: parameter('insights', 'athena-workgroup-name', 'Athena workgroup for lake queries'),
    dashboardName: parameter('insights', 'dashboard-name', 'CloudWatch dashboard of the platform'),
  },
  'cross-cutting': {
    alarmTopicArn: parameter('cross-cutting', 'alarm-topic-arn', 'SNS topic that receives platform alarms'),
  },
} as const satisfies { [S in Stage]: Record<string, StageParameter<S>> };

/** The stream Transform writes a lake table's rows to, and Store delivers into the lake. */
export const lakeStreamParameterOf = (table: StreamedLakeTableName): StageParameter<'transform'> =>
  parameters.transform[`${table}LakeStreamArn`];

/** The Firehose Store delivers a lake table's rows with (its metrics are on the dashboard). */
export const deliveryStreamParameterOf = (table: LakeTableName): StageParameter<'store'> =>
  parameters.store[`${table}DeliveryStreamName`];

/**
 * The log group of every stage's Lambda functions. The stack that owns a function creates its log group
 * (retention, KMS) — it must exist before the function's first log line, and Cross-cutting deploys last —
 * and LoggingStack finds them all here to put its error metric filters and alarms on them.
 */
export const functionLogGroupParameters: readonly StageParameter[] = [
  parameters.transform.enrichmentLogGroupName,
];

/** A parameter stage `S` may read: its own, or one an upstream stage publishes. */
export type ParameterReadableBy<S extends Stage> = StageParameter<ReadableBy<S>>;

export const allParameters = (): StageParameter[] =>
  Object.values(parameters).flatMap((byKey) => Object.values(byKey) as StageParameter[]);
