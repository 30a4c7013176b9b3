// The lake on AWS: an encrypted, versioned S3 bucket; a Glue database whose tables are the contract's
// catalogue (partition projection, so no crawler); and a Firehose per delivered lake table that writes
// it into hive partitions by receive time, converted to Parquet: the Transform stream of a streamed table,
// or the topic rules of a table IoT Core fills itself (shadow history, lifecycle events).
// The rollup tables (telemetry_1m, telemetry_1h) are filled once an hour settles (hourly-rollups.ts).
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as iot from 'aws-cdk-lib/aws-iot';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import {
  allLakeTables,
  catalogTableOf,
  defaultLakeRetentionDays,
  deliveryStreamParameterOf,
  lakeStreamParameterOf,
  parameters,
  ruleFedLakeTables,
  streamedLakeTables,
  type AnyLakeTableName,
  type RuleFedLakeTableName,
  type StreamedLakeTableName,
} from '@tributary/contracts';
import {
  accessLogsBucket,
  acknowledge,
  rotatingKey,
  StageStack,
  type StageStackProps,
} from '@tributary/contracts/cdk';
import { glueDatabaseName } from '../core/index.js';
import { HourlyRollups } from './hourly-rollups.js';
import { lakeDeliveryRole, lakeDestinationOf, type LakeDeliveryTarget } from './lake-delivery-destination.js';
import { RuleFedDelivery } from './rule-fed-delivery.js';

export { glueDatabaseName };

/** A table's Firehose and the topic rules that feed it (none for a table the Transform stream delivers). */
interface WatchedDelivery {
  readonly table: AnyLakeTableName;
  readonly deliveryStream: firehose.CfnDeliveryStream;
  readonly rules: readonly iot.CfnTopicRule[];
}
export { partitionQueryOf } from './lake-delivery-destination.js';

export class DataLakeStack extends StageStack<'store'> {
  readonly key: kms.Key;
  /** The curated lake: every table but quarantine. */
  readonly bucket: s3.Bucket;
  /**
   * Quarantined input: untrusted device bytes, kept apart so that access to them is granted on its own and
   * nothing that reads the curated lake reads them by accident.
   */
  readonly quarantineBucket: s3.Bucket;
  /** The Firehose and topic rules of each table IoT Core fills itself. */
  readonly ruleFedDeliveries: Record<RuleFedLakeTableName, RuleFedDelivery>;

  constructor(scope: Construct, id: string, props: Omit<StageStackProps, 'stage'> = {}) {
    super(scope, id, { ...props, stage: 'store' });

    this.key = rotatingKey(this, 'LakeKey', 'Encrypts the lake');
    const accessLogs = accessLogsBucket(this, 'AccessLogs', 'lake buckets');
    const tables = Object.keys(allLakeTables) as AnyLakeTableName[];
    this.bucket = this.lakeBucket(
      'Lake',
      accessLogs,
      tables.filter((table) => table !== 'quarantine'),
    );
    this.quarantineBucket = this.lakeBucket('Quarantine', accessLogs, ['quarantine']);

    const database = new glue.CfnDatabase(this, 'LakeDatabase', {
      catalogId: this.account,
      databaseInput: { name: glueDatabaseName, description: 'The tributary lake: one table per lake table' },
    });
    const bucketUriOf = (table: AnyLakeTableName) =>
      `s3://${(table === 'quarantine' ? this.quarantineBucket : this.bucket).bucketName}`;
    const deliveryLogs = new logs.LogGroup(this, 'DeliveryLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    for (const table of Object.keys(allLakeTables) as AnyLakeTableName[]) {
      const glueTable = new glue.CfnTable(this, `Table-${table}`, {
        catalogId: this.account,
        databaseName: glueDatabaseName,
        tableInput: catalogTableOf(table, bucketUriOf(table)),
      });
      glueTable.addResourceDependency(database);
    }
    const target: LakeDeliveryTarget = { bucket: this.bucket, key: this.key, deliveryLogs };
    const quarantineTarget: LakeDeliveryTarget = { ...target, bucket: this.quarantineBucket };
    const deliveries: WatchedDelivery[] = [];
    for (const table of Object.keys(streamedLakeTables) as StreamedLakeTableName[]) {
      const delivery = this.deliverInto(table, table === 'quarantine' ? quarantineTarget : target);
      this.publish(deliveryStreamParameterOf(table), delivery.ref);
      deliveries.push({ table, deliveryStream: delivery, rules: [] });
    }
    const ruleFedDeliveries = {} as Record<RuleFedLakeTableName, RuleFedDelivery>;
    for (const table of Object.keys(ruleFedLakeTables) as RuleFedLakeTableName[]) {
      const delivery = new RuleFedDelivery(this, `RuleFed-${table}`, { table, target });
      ruleFedDeliveries[table] = delivery;
      this.publish(deliveryStreamParameterOf(table), delivery.deliveryStream.ref);
      deliveries.push({ table, deliveryStream: delivery.deliveryStream, rules: delivery.rules });
    }
    this.ruleFedDeliveries = ruleFedDeliveries;
    this.alarmOnDeliveryTrouble(deliveries);

    // Rollups on AWS are computed from the lake once an hour settles; locally the writer keeps them.
    new HourlyRollups(this, 'HourlyRollups', {
      bucket: this.bucket,
      key: this.key,
      databaseName: glueDatabaseName,
    });

    this.publish(parameters.store.lakeBucketName, this.bucket.bucketName);
    this.publish(parameters.store.lakeKeyArn, this.key.keyArn);
    this.publish(parameters.store.quarantineBucketName, this.quarantineBucket.bucketName);
    this.publish(parameters.store.glueDatabaseName, glueDatabaseName);
  }

  /**
   * Alarms, on a topic of the stage's own, when a table's rows stop reaching the lake: its Firehose holds
   * them more than 15 minutes (S3 or KMS refusing its writes), cannot convert some to Parquet (they go to
   * errors/), or one of the table's topic rules cannot put a row on it (the message goes to errors/<table>/rules).
   */
  private alarmOnDeliveryTrouble(deliveries: readonly WatchedDelivery[]): void {
    const key = rotatingKey(this, 'DeliveryAlarmsKey', 'Encrypts the lake delivery alarm topic');
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:GenerateDataKey*', 'kms:Decrypt');
    const topic = new sns.Topic(this, 'DeliveryAlarms', { masterKey: key, enforceSSL: true });
    const alarmAction = new actions.SnsAction(topic);
    const alarmAbove = (id: string, description: string, metric: cloudwatch.Metric, threshold: number) =>
      new cloudwatch.Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(alarmAction);
    const fiveMinutes = Duration.minutes(5);
    for (const { table, deliveryStream, rules } of deliveries) {
      const firehoseMetric = (metricName: string, statistic: string) =>
        new cloudwatch.Metric({
          namespace: 'AWS/Firehose',
          metricName,
          dimensionsMap: { DeliveryStreamName: deliveryStream.ref },
          statistic,
          period: fiveMinutes,
        });
      alarmAbove(
        `DeliveryStale-${table}`,
        `The oldest ${table} row waiting in its Firehose is more than 15 minutes old: S3 or KMS is refusing its writes (see the delivery log group)`,
        firehoseMetric('DeliveryToS3.DataFreshness', 'Maximum'),
        15 * 60,
      );
      alarmAbove(
        `ConversionFailing-${table}`,
        `Firehose could not convert some ${table} rows to Parquet: they are under errors/${table}/ with the reason`,
        firehoseMetric('FailedConversion.Records', 'Sum'),
        0,
      );
      for (const rule of rules) {
        alarmAbove(
          `RuleFailing-${rule.node.id}`,
          `The topic rule ${rule.node.id} could not put a ${table} row on its Firehose: the messages are under errors/${table}/rules/`,
          new cloudwatch.Metric({
            namespace: 'AWS/IoT',
            metricName: 'Failure',
            dimensionsMap: { RuleName: rule.ref },
            statistic: 'Sum',
            period: fiveMinutes,
          }),
          0,
        );
      }
    }
    this.publish(parameters.store.deliveryAlarmTopicArn, topic.topicArn);
  }

  /** A KMS-encrypted, versioned, private, TLS-only bucket with access logs, holding `tables` for their retention. */
  private lakeBucket(id: string, accessLogs: s3.Bucket, tables: readonly AnyLakeTableName[]): s3.Bucket {
    return new s3.Bucket(this, id, {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: `${id.toLowerCase()}/`,
      lifecycleRules: [
        {
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        { prefix: 'errors/', expiration: Duration.days(90) },
        // Each table's retention, as the local sweeper applies it (contracts/lake-retention.ts).
        ...tables.map((table) => ({
          prefix: `${table}/`,
          expiration: Duration.days(defaultLakeRetentionDays[table]),
        })),
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** A Firehose from the table's Transform stream into `<table>/year=…/hour=…/` as Parquet. */
  private deliverInto(table: StreamedLakeTableName, target: LakeDeliveryTarget): firehose.CfnDeliveryStream {
    const sourceStreamArn = this.read(lakeStreamParameterOf(table));
    const role = lakeDeliveryRole(
      this,
      table,
      target,
      `Lets the ${table} delivery stream read its source stream and write the lake`,
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'kinesis:DescribeStream',
          'kinesis:GetShardIterator',
          'kinesis:GetRecords',
          'kinesis:ListShards',
        ],
        resources: [sourceStreamArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [this.read(parameters.transform.streamKeyArn)],
      }),
    );

    const stream = new firehose.CfnDeliveryStream(this, `Delivery-${table}`, {
      deliveryStreamType: 'KinesisStreamAsSource',
      kinesisStreamSourceConfiguration: { kinesisStreamArn: sourceStreamArn, roleArn: role.roleArn },
      extendedS3DestinationConfiguration: lakeDestinationOf(this, table, role, target),
    });
    stream.node.addDependency(role);
    acknowledge(stream, {
      id: 'AwsSolutions-KDF1',
      reason:
        'A Kinesis-sourced delivery stream cannot take SSE; records are encrypted by the source stream key in transit and by the lake key at rest.',
    });
    return stream;
  }
}
