// The tables IoT Core fills itself on AWS: topic rules → Direct PUT Firehose → Parquet in the lake,
// asserted with aws-cdk-lib/assertions (kinesis-firehose-rule-action.html, rule-error-handling.html).
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  columnsOf,
  deliveryStreamParameterOf,
  glueTypeOf,
  lakeDeliveryRules,
  ruleFedLakeTables,
  type RuleFedLakeTableName,
} from '@tributary/contracts';
import { createTributaryApp } from '@tributary/contracts/cdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { defineStoreStage, partitionQueryOf, type DataLakeStack } from '../../src/infra/index.js';

let stack: DataLakeStack;
let lake: Template;
const ruleFedTables = Object.keys(ruleFedLakeTables) as RuleFedLakeTableName[];

beforeAll(() => {
  const app = createTributaryApp();
  stack = defineStoreStage(app).dataLake;
  app.synth(); // throws on an unacknowledged AwsSolutions finding
  lake = Template.fromStack(stack);
});

const logicalIdOf = (construct: { node: { defaultChild?: unknown } } | object): string =>
  stack.getLogicalId(construct as never);

describe('RuleFedDelivery', () => {
  it.each(ruleFedTables)(
    'writes %s through a Direct PUT Firehose, as Parquet from its Glue table, partitioned by received_at',
    (table) => {
      lake.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
        DeliveryStreamType: 'DirectPut',
        DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
        ExtendedS3DestinationConfiguration: Match.objectLike({
          Prefix: `${table}/year=!{partitionKeyFromQuery:year}/month=!{partitionKeyFromQuery:month}/day=!{partitionKeyFromQuery:day}/hour=!{partitionKeyFromQuery:hour}/`,
          ErrorOutputPrefix: Match.stringLikeRegexp(`^errors/${table}/`),
          DynamicPartitioningConfiguration: Match.objectLike({ Enabled: true }),
          ProcessingConfiguration: Match.objectLike({
            Processors: [
              Match.objectLike({
                Parameters: Match.arrayWith([
                  { ParameterName: 'MetadataExtractionQuery', ParameterValue: partitionQueryOf(table) },
                ]),
              }),
            ],
          }),
          DataFormatConversionConfiguration: Match.objectLike({
            Enabled: true,
            SchemaConfiguration: Match.objectLike({ TableName: table, DatabaseName: 'tributary_lake' }),
          }),
        }),
      });
      expect(partitionQueryOf(table)).toContain('.received_at / 1000');
    },
  );

  it.each(lakeDeliveryRules)(
    'runs the $name rule with the SQL the local rules engine runs, into the $table Firehose',
    (rule) => {
      const delivery = stack.ruleFedDeliveries[rule.table];
      lake.hasResourceProperties('AWS::IoT::TopicRule', {
        TopicRulePayload: Match.objectLike({
          Sql: rule.sql,
          AwsIotSqlVersion: '2016-03-23',
          RuleDisabled: false,
          Actions: [
            {
              Firehose: {
                DeliveryStreamName: { Ref: logicalIdOf(delivery.deliveryStream) },
                RoleArn: { 'Fn::GetAtt': [logicalIdOf(delivery.ruleRole.node.defaultChild!), 'Arn'] },
                Separator: '\n',
              },
            },
          ],
          // A message the Firehose refused is kept whole, with the reason, in the lake's errors/ prefix.
          ErrorAction: {
            S3: Match.objectLike({
              BucketName: { Ref: logicalIdOf(stack.bucket.node.defaultChild!) },
              Key: `errors/${rule.table}/rules/${rule.name}/\${timestamp()}-\${newuuid()}.json`,
            }),
          },
        }),
      });
    },
  );

  it('lets the rules of a table put records on its own Firehose only', () => {
    for (const table of ruleFedTables) {
      const delivery = stack.ruleFedDeliveries[table];
      const policies = lake.findResources('AWS::IAM::Policy', {
        Properties: {
          Roles: [{ Ref: logicalIdOf(delivery.ruleRole.node.defaultChild!) }],
        },
      });
      const statements = Object.values(policies).flatMap(
        (policy) =>
          (policy as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument
            .Statement,
      ) as { Action: string | string[]; Resource: unknown }[];
      const firehoseGrants = statements.filter((s) =>
        [s.Action].flat().some((a) => a.startsWith('firehose:')),
      );
      expect(firehoseGrants).toEqual([
        expect.objectContaining({
          Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
          Resource: { 'Fn::GetAtt': [logicalIdOf(delivery.deliveryStream), 'Arn'] },
        }),
      ]);
    }
  });

  it.each(ruleFedTables)(
    'catalogues %s with the contract columns and publishes its Firehose name',
    (table) => {
      lake.hasResourceProperties('AWS::Glue::Table', {
        TableInput: Match.objectLike({
          Name: table,
          StorageDescriptor: Match.objectLike({
            Columns: columnsOf(table).map((c) =>
              Match.objectLike({ Name: c.name, Type: glueTypeOf(c.type) }),
            ),
          }),
        }),
      });
      lake.hasResourceProperties('AWS::SSM::Parameter', {
        Name: deliveryStreamParameterOf(table).name,
        Value: { Ref: logicalIdOf(stack.ruleFedDeliveries[table].deliveryStream) },
      });
    },
  );
});
