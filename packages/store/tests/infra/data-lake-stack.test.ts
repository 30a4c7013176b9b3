// The Store stage's CloudFormation, asserted with aws-cdk-lib/assertions; cdk-nag runs on synth.
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  columnsOf,
  defaultLakeRetentionDays,
  deliveryStreamParameterOf,
  glueTypeOf,
  lakeStreamParameterOf,
  parameters,
} from '@tributary/contracts';
import { createTributaryApp } from '@tributary/contracts/cdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { defineStoreStage, partitionQueryOf } from '../../src/infra/index.js';

let lake: Template;

beforeAll(() => {
  const app = createTributaryApp();
  const stage = defineStoreStage(app);
  app.synth(); // throws on an unacknowledged AwsSolutions finding
  lake = Template.fromStack(stage.dataLake);
});

describe('DataLakeStack', () => {
  it('keeps the lake in a KMS-encrypted, versioned, private, TLS-only bucket with access logs', () => {
    lake.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: Match.objectLike({
        BlockPublicAcls: true,
        RestrictPublicBuckets: true,
      }),
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'lake/' }),
    });
    expect(JSON.stringify(lake.findResources('AWS::S3::BucketPolicy'))).toContain('aws:SecureTransport');
  });

  it("expires each table's objects after that table's retention, in the bucket that holds the table", () => {
    const rules = Object.values(lake.findResources('AWS::S3::Bucket')).flatMap(
      (bucket) =>
        (bucket['Properties']['LifecycleConfiguration']?.['Rules'] ?? []) as {
          Prefix?: string;
          ExpirationInDays?: number;
        }[],
    );
    for (const [table, days] of Object.entries(defaultLakeRetentionDays)) {
      expect(rules.filter((rule) => rule.Prefix === `${table}/`)).toEqual([
        expect.objectContaining({ ExpirationInDays: days, Status: 'Enabled' }),
      ]);
    }
  });

  it('keeps quarantined input in a bucket of its own: its Glue table, its Firehose and its SSM parameter', () => {
    const buckets = lake.findResources('AWS::S3::Bucket', {
      Properties: { LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'quarantine/' }) },
    });
    expect(Object.keys(buckets)).toHaveLength(1);
    const quarantineBucket = Object.keys(buckets)[0]!;
    const [bucket] = Object.values(buckets);
    expect(bucket['Properties']).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: expect.objectContaining({ BlockPublicAcls: true }),
    });
    const table = (name: string) =>
      JSON.stringify(
        Object.values(lake.findResources('AWS::Glue::Table')).find(
          (t) => t['Properties']['TableInput']['Name'] === name,
        ),
      );
    expect(table('quarantine')).toContain(`"Ref":"${quarantineBucket}"`);
    expect(table('telemetry')).not.toContain(quarantineBucket);
    lake.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      ExtendedS3DestinationConfiguration: Match.objectLike({
        BucketARN: { 'Fn::GetAtt': [quarantineBucket, 'Arn'] },
        Prefix: Match.stringLikeRegexp('^quarantine/'),
      }),
    });
    lake.hasResourceProperties('AWS::SSM::Parameter', {
      Name: parameters.store.quarantineBucketName.name,
      Value: { Ref: quarantineBucket },
    });
  });

  it('catalogues each lake table with exactly the contract columns and projected hive partitions', () => {
    // The three streamed tables, the two IoT Core fills itself and the two telemetry rollups.
    lake.resourceCountIs('AWS::Glue::Table', 7);
    lake.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        Name: 'telemetry',
        StorageDescriptor: Match.objectLike({
          Columns: columnsOf('telemetry').map((c) =>
            Match.objectLike({ Name: c.name, Type: glueTypeOf(c.type) }),
          ),
        }),
        PartitionKeys: ['year', 'month', 'day', 'hour'].map((name) => ({ Name: name, Type: 'string' })),
        Parameters: Match.objectLike({ 'projection.enabled': 'true' }),
      }),
    });
  });

  it('delivers each table from the stream Transform publishes, as Parquet converted from the Glue table', () => {
    // And two more, fed by topic rules (rule-fed-delivery.test.ts).
    lake.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 5);
    expect(
      Object.keys(
        lake.findResources('AWS::KinesisFirehose::DeliveryStream', {
          Properties: { DeliveryStreamType: 'KinesisStreamAsSource' },
        }),
      ),
    ).toHaveLength(3);
    lake.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'KinesisStreamAsSource',
      ExtendedS3DestinationConfiguration: Match.objectLike({
        Prefix:
          'anomalies/year=!{partitionKeyFromQuery:year}/month=!{partitionKeyFromQuery:month}/day=!{partitionKeyFromQuery:day}/hour=!{partitionKeyFromQuery:hour}/',
        DynamicPartitioningConfiguration: Match.objectLike({ Enabled: true }),
        DataFormatConversionConfiguration: Match.objectLike({
          Enabled: true,
          SchemaConfiguration: Match.objectLike({ TableName: 'anomalies', DatabaseName: 'tributary_lake' }),
        }),
      }),
    });
    const parameterNames = Object.values(
      lake.toJSON()['Parameters'] as Record<string, { Default?: string }>,
    ).map((p) => p.Default);
    expect(parameterNames).toEqual(expect.arrayContaining([lakeStreamParameterOf('quarantine').name]));
  });

  it('publishes each delivery stream name for the dashboard', () => {
    for (const table of ['telemetry', 'anomalies', 'quarantine'] as const) {
      lake.hasResourceProperties('AWS::SSM::Parameter', {
        Name: deliveryStreamParameterOf(table).name,
        Value: { Ref: Match.stringLikeRegexp(`^Delivery${table}`) },
      });
    }
  });

  it("alarms, on its own encrypted topic, when a table's rows stop reaching the lake", () => {
    const topics = lake.findResources('AWS::SNS::Topic');
    expect(Object.keys(topics)).toHaveLength(1);
    const [topicId, topic] = Object.entries(topics)[0]!;
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    lake.hasResourceProperties('AWS::SSM::Parameter', {
      Name: parameters.store.deliveryAlarmTopicArn.name,
      Value: { Ref: topicId },
    });
    const alarms = Object.values(lake.findResources('AWS::CloudWatch::Alarm')).map(
      ({ Properties }) => Properties,
    );
    const watched = (metricName: string) =>
      alarms
        .filter((alarm) => alarm.MetricName === metricName)
        .map((alarm) => {
          expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
          return alarm.Dimensions[0].Value.Ref as string;
        })
        .sort();
    // Every table's Firehose, the streamed ones and the rule-fed ones.
    const deliveryStreams = Object.keys(lake.findResources('AWS::KinesisFirehose::DeliveryStream')).sort();
    expect(deliveryStreams).toHaveLength(5);
    expect(watched('DeliveryToS3.DataFreshness')).toEqual(deliveryStreams);
    expect(watched('FailedConversion.Records')).toEqual(deliveryStreams);
    // Every topic rule that feeds a Firehose.
    expect(watched('Failure')).toEqual(Object.keys(lake.findResources('AWS::IoT::TopicRule')).sort());
  });

  it('partitions on AWS by the receive time in UTC hours, as the local lake does', () => {
    const hour = (format: string) => `((.received_at / 1000 | floor) | strftime("${format}"))`;
    expect(partitionQueryOf('telemetry')).toBe(
      `{year: ${hour('%Y')}, month: ${hour('%m')}, day: ${hour('%d')}, hour: ${hour('%H')}}`,
    );
  });
});

// The AWS rollups: an hourly schedule runs a Lambda that UNLOADs through its own enforced, encrypted Athena
// workgroup, with write access to the rollup tables only.
const rollupFunction = () => {
  const functions = lake.findResources('AWS::Lambda::Function', {
    Properties: { Environment: { Variables: Match.objectLike({ ROLLUP_WORK_GROUP: Match.anyValue() }) } },
  });
  expect(Object.keys(functions)).toHaveLength(1);
  return Object.entries(functions)[0]!;
};

describe('DataLakeStack hourly rollups', () => {
  it('runs the rollup Lambda every hour, 20 minutes past, with retries', () => {
    const [functionId] = rollupFunction();
    lake.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(20 * * * ? *)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2 },
        }),
      ],
    });
  });

  it('queries through its own workgroup: enforced, KMS-encrypted results in the lake bucket, a scan cutoff', () => {
    lake.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'tributary-lake-rollups',
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 100 * 1024 ** 3,
        ResultConfiguration: Match.objectLike({
          EncryptionConfiguration: Match.objectLike({ EncryptionOption: 'SSE_KMS' }),
        }),
      }),
    });
    const [, fn] = rollupFunction();
    expect(fn['Properties']['Environment']['Variables']).toMatchObject({
      ROLLUP_WORK_GROUP: 'tributary-lake-rollups',
      LAKE_DATABASE: 'tributary_lake',
    });
  });

  it('may write the rollup tables and its query results, and nothing else of the lake', () => {
    const [, fn] = rollupFunction();
    const roleId = (fn['Properties']['Role'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const policies = JSON.stringify(
      lake.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }),
    );
    const writes = [
      ...policies.matchAll(
        /"s3:PutObject"[^\]]*?\],"Effect":"Allow","Resource":\{"Fn::Join":\["",\[\{"Fn::GetAtt":\["[^"]+","Arn"\]\},"\/([^"]+)"/g,
      ),
    ].map((match) => match[1]);
    expect(writes.sort()).toEqual(['athena-results/rollups/*', 'telemetry_1h/*', 'telemetry_1m/*']);
  });
});
