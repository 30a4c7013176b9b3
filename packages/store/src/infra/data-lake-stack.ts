// The lake on AWS: an encrypted, versioned S3 bucket; a Glue database whose tables are the contract's
// catalogue (partition projection, so no crawler); and a Firehose per delivered lake table that delivers
// the Transform stream of that table into hive partitions by receive time, converted to Parquet.
// The rollup tables (telemetry_1m, telemetry_1h) are catalogued but nothing fills them on AWS yet.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import {
  allLakeTables,
  catalogTableOf,
  defaultLakeRetentionDays,
  deliveryStreamParameterOf,
  lakeStreamParameterOf,
  lakeTables,
  parameters,
  partitionKeys,
  type AnyLakeTableName,
  type LakeTableName,
} from '@tributary/contracts';
import {
  accessLogsBucket,
  acknowledge,
  kmsGrantWildcards,
  rotatingKey,
  StageStack,
  type StageStackProps,
} from '@tributary/contracts/cdk';
import { glueDatabaseName } from '../core/index.js';
import { HourlyRollups } from './hourly-rollups.js';

export { glueDatabaseName };

export class DataLakeStack extends StageStack<'store'> {
  readonly key: kms.Key;
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: Omit<StageStackProps, 'stage'> = {}) {
    super(scope, id, { ...props, stage: 'store' });

    this.key = rotatingKey(this, 'LakeKey', 'Encrypts the lake');
    const accessLogs = accessLogsBucket(this, 'AccessLogs', 'lake bucket');
    this.bucket = new s3.Bucket(this, 'Lake', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'lake/',
      lifecycleRules: [
        {
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        { prefix: 'errors/', expiration: Duration.days(90) },
        // Each table's retention, as the local sweeper applies it (contracts/lake-retention.ts).
        ...(Object.keys(allLakeTables) as AnyLakeTableName[]).map((table) => ({
          prefix: `${table}/`,
          expiration: Duration.days(defaultLakeRetentionDays[table]),
        })),
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const database = new glue.CfnDatabase(this, 'LakeDatabase', {
      catalogId: this.account,
      databaseInput: { name: glueDatabaseName, description: 'The tributary lake: one table per lake table' },
    });
    const lakeUri = `s3://${this.bucket.bucketName}`;
    const deliveryLogs = new logs.LogGroup(this, 'DeliveryLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    for (const table of Object.keys(allLakeTables) as AnyLakeTableName[]) {
      const glueTable = new glue.CfnTable(this, `Table-${table}`, {
        catalogId: this.account,
        databaseName: glueDatabaseName,
        tableInput: catalogTableOf(table, lakeUri),
      });
      glueTable.addResourceDependency(database);
    }
    for (const table of Object.keys(lakeTables) as LakeTableName[]) {
      const delivery = this.deliverInto(table, deliveryLogs);
      this.publish(deliveryStreamParameterOf(table), delivery.ref);
    }

    // Rollups on AWS are computed from the lake once an hour settles; locally the writer keeps them.
    new HourlyRollups(this, 'HourlyRollups', {
      bucket: this.bucket,
      key: this.key,
      databaseName: glueDatabaseName,
    });

    this.publish(parameters.store.lakeBucketName, this.bucket.bucketName);
    this.publish(parameters.store.lakeKeyArn, this.key.keyArn);
    this.publish(parameters.store.glueDatabaseName, glueDatabaseName);
  }

  /** A Firehose from the table's Transform stream into `<table>/year=…/hour=…/` as Parquet. */
  private deliverInto(table: LakeTableName, deliveryLogs: logs.LogGroup): firehose.CfnDeliveryStream {
    const sourceStreamArn = this.read(lakeStreamParameterOf(table));
    const role = new iam.Role(this, `Delivery-${table}-Role`, {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com'),
      description: `Lets the ${table} delivery stream read its source stream and write the lake`,
    });
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
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
        resources: [
          this.formatArn({ service: 'glue', resource: 'catalog' }),
          this.formatArn({ service: 'glue', resource: 'database', resourceName: glueDatabaseName }),
          this.formatArn({
            service: 'glue',
            resource: 'table',
            resourceName: `${glueDatabaseName}/${table}`,
          }),
        ],
      }),
    );
    this.bucket.grantReadWrite(role);
    deliveryLogs.grantWrite(role);
    const logStream = new logs.LogStream(this, `Delivery-${table}-LogStream`, { logGroup: deliveryLogs });
    acknowledge(
      role,
      ...kmsGrantWildcards,
      ...['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason:
          'Firehose needs these on the lake bucket to write and retry multipart Parquet objects (AWS docs: Firehose S3 access).',
      })),
      {
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*]`,
        reason: 'Firehose writes objects under every partition prefix of the lake bucket.',
      },
    );

    const stream = new firehose.CfnDeliveryStream(this, `Delivery-${table}`, {
      deliveryStreamType: 'KinesisStreamAsSource',
      kinesisStreamSourceConfiguration: { kinesisStreamArn: sourceStreamArn, roleArn: role.roleArn },
      extendedS3DestinationConfiguration: {
        bucketArn: this.bucket.bucketArn,
        roleArn: role.roleArn,
        prefix: `${table}/${partitionKeys.map((key) => `${key}=!{partitionKeyFromQuery:${key}}`).join('/')}/`,
        errorOutputPrefix: `errors/${table}/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/`,
        // Dynamic partitioning needs at least 64 MiB buffers.
        bufferingHints: { sizeInMBs: 64, intervalInSeconds: 60 },
        encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: this.key.keyArn } },
        cloudWatchLoggingOptions: {
          enabled: true,
          logGroupName: deliveryLogs.logGroupName,
          logStreamName: logStream.logStreamName,
        },
        dynamicPartitioningConfiguration: { enabled: true, retryOptions: { durationInSeconds: 300 } },
        processingConfiguration: {
          enabled: true,
          processors: [
            {
              type: 'MetadataExtraction',
              parameters: [
                { parameterName: 'MetadataExtractionQuery', parameterValue: partitionQueryOf(table) },
                { parameterName: 'JsonParsingEngine', parameterValue: 'JQ-1.6' },
              ],
            },
          ],
        },
        dataFormatConversionConfiguration: {
          enabled: true,
          inputFormatConfiguration: { deserializer: { hiveJsonSerDe: { timestampFormats: ['millis'] } } },
          outputFormatConfiguration: { serializer: { parquetSerDe: { compression: 'SNAPPY' } } },
          schemaConfiguration: {
            databaseName: glueDatabaseName,
            tableName: table,
            region: this.region,
            roleArn: role.roleArn,
            versionId: 'LATEST',
          },
        },
      },
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

/**
 * Partition values from the row's receive time (UTC), the same as partitionPathFor() locally.
 * The contract's partition-time column is epoch milliseconds.
 */
export function partitionQueryOf(table: LakeTableName): string {
  const seconds = `(.${lakeTables[table].partitionTime} / 1000 | floor)`;
  const formats = { year: '%Y', month: '%m', day: '%d', hour: '%H' } as const;
  return `{${partitionKeys.map((key) => `${key}: (${seconds} | strftime("${formats[key]}"))`).join(', ')}}`;
}
