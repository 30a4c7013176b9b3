// What every Firehose into the lake shares, whatever feeds it (a Transform stream or a topic rule): a
// role that may read its table's Glue schema and write the lake, and an S3 destination that converts the
// JSON rows to Parquet with that schema and writes them into hive partitions by receive time.
import { Stack } from 'aws-cdk-lib';
import type * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { lakeTables, partitionKeys, type LakeTableName } from '@tributary/contracts';
import { acknowledge, kmsGrantWildcards } from '@tributary/contracts/cdk';
import { glueDatabaseName } from '../core/index.js';

/** Where a delivery stream writes: the lake bucket and its key, and the log group of delivery errors. */
export interface LakeDeliveryTarget {
  readonly bucket: s3.Bucket;
  readonly key: kms.IKey;
  readonly deliveryLogs: logs.LogGroup;
}

/** The role a table's Firehose assumes: its Glue table's schema, the lake bucket and the delivery logs. */
export function lakeDeliveryRole(
  scope: Construct,
  table: LakeTableName,
  target: LakeDeliveryTarget,
  description: string,
): iam.Role {
  const stack = Stack.of(scope);
  const role = new iam.Role(scope, `Delivery-${table}-Role`, {
    assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com'),
    description,
  });
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
      resources: [
        stack.formatArn({ service: 'glue', resource: 'catalog' }),
        stack.formatArn({ service: 'glue', resource: 'database', resourceName: glueDatabaseName }),
        stack.formatArn({
          service: 'glue',
          resource: 'table',
          resourceName: `${glueDatabaseName}/${table}`,
        }),
      ],
    }),
  );
  target.bucket.grantReadWrite(role);
  target.deliveryLogs.grantWrite(role);
  acknowledge(
    role,
    ...kmsGrantWildcards,
    ...['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*'].map((action) => ({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason:
        'Firehose needs these on the lake bucket to write and retry multipart Parquet objects (AWS docs: Firehose S3 access).',
    })),
    {
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(target.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*]`,
      reason: 'Firehose writes objects under every partition prefix of the lake bucket.',
    },
  );
  return role;
}

/**
 * `<table>/year=…/hour=…/` as Parquet converted with the table's Glue schema; records it cannot deliver
 * go under `errors/<table>/`.
 */
export function lakeDestinationOf(
  scope: Construct,
  table: LakeTableName,
  role: iam.IRole,
  target: LakeDeliveryTarget,
): firehose.CfnDeliveryStream.ExtendedS3DestinationConfigurationProperty {
  const logStream = new logs.LogStream(scope, `Delivery-${table}-LogStream`, {
    logGroup: target.deliveryLogs,
  });
  return {
    bucketArn: target.bucket.bucketArn,
    roleArn: role.roleArn,
    prefix: `${table}/${partitionKeys.map((key) => `${key}=!{partitionKeyFromQuery:${key}}`).join('/')}/`,
    errorOutputPrefix: `errors/${table}/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/`,
    // Dynamic partitioning needs at least 64 MiB buffers.
    bufferingHints: { sizeInMBs: 64, intervalInSeconds: 60 },
    encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: target.key.keyArn } },
    cloudWatchLoggingOptions: {
      enabled: true,
      logGroupName: target.deliveryLogs.logGroupName,
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
        region: Stack.of(scope).region,
        roleArn: role.roleArn,
        versionId: 'LATEST',
      },
    },
  };
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
