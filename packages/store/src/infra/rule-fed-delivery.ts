// A lake table IoT Core fills itself: the table's topic rules (contracts/lake-delivery-rules.ts) select one
// row per shadow update or lifecycle event and put it on a Direct PUT Firehose, which converts it to Parquet
// into the table's hive partitions. A message a rule cannot deliver is kept whole under errors/<table>/.
// https://docs.aws.amazon.com/iot/latest/developerguide/kinesis-firehose-rule-action.html
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  lakeDeliveryRules,
  lakeDeliveryRuleSqlVersion,
  type RuleFedLakeTableName,
} from '@tributary/contracts';
import { acknowledge, kmsGrantWildcards } from '@tributary/contracts/cdk';
import { lakeDeliveryRole, lakeDestinationOf, type LakeDeliveryTarget } from './lake-delivery-destination.js';

export interface RuleFedDeliveryProps {
  /** The table; its topic rules are the lakeDeliveryRules of that table. */
  readonly table: RuleFedLakeTableName;
  /** The lake bucket, its key and the delivery log group. */
  readonly target: LakeDeliveryTarget;
}

export class RuleFedDelivery extends Construct {
  readonly deliveryStream: firehose.CfnDeliveryStream;
  /** The role Firehose assumes to read the Glue schema and write the lake. */
  readonly deliveryRole: iam.Role;
  /** The role the topic rules assume to put records on the Firehose and errors in the bucket. */
  readonly ruleRole: iam.Role;
  readonly rules: iot.CfnTopicRule[];

  constructor(scope: Construct, id: string, props: RuleFedDeliveryProps) {
    super(scope, id);
    const { table, target } = props;

    this.deliveryRole = lakeDeliveryRole(
      this,
      table,
      target,
      `Lets the ${table} delivery stream write the topic rules' rows into the lake`,
    );
    this.deliveryStream = new firehose.CfnDeliveryStream(this, `Delivery-${table}`, {
      deliveryStreamType: 'DirectPut',
      deliveryStreamEncryptionConfigurationInput: { keyType: 'AWS_OWNED_CMK' },
      extendedS3DestinationConfiguration: lakeDestinationOf(this, table, this.deliveryRole, target),
    });
    this.deliveryStream.node.addDependency(this.deliveryRole);

    this.ruleRole = new iam.Role(this, 'RuleRole', {
      assumedBy: new iam.ServicePrincipal('iot.amazonaws.com'),
      description: `Lets the ${table} topic rules put rows on its delivery stream and failed messages in the lake's errors/`,
    });
    this.ruleRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
        resources: [this.deliveryStream.attrArn],
      }),
    );
    const errorPrefix = `errors/${table}/rules`;
    target.bucket.grantPut(this.ruleRole, `${errorPrefix}/*`);
    const bucketLogicalId = Stack.of(this).getLogicalId(target.bucket.node.defaultChild as s3.CfnBucket);
    acknowledge(
      this.ruleRole,
      ...kmsGrantWildcards,
      {
        id: 'AwsSolutions-IAM5[Action::s3:Abort*]',
        reason: 'What grantPut adds so the rule may abort its own multipart upload of a failed message.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/${errorPrefix}/*]`,
        reason: 'Each failed message is a new object under the rules error prefix of its table.',
      },
    );

    this.rules = lakeDeliveryRules
      .filter((rule) => rule.table === table)
      .map((rule) => {
        const topicRule = new iot.CfnTopicRule(this, rule.name, {
          topicRulePayload: {
            description: `Puts one ${table} lake row per matching message on the table's Firehose`,
            awsIotSqlVersion: lakeDeliveryRuleSqlVersion,
            sql: rule.sql,
            ruleDisabled: false,
            actions: [
              {
                firehose: {
                  deliveryStreamName: this.deliveryStream.ref,
                  roleArn: this.ruleRole.roleArn,
                  // One JSON row per line, as Firehose's JSON deserializer reads them.
                  separator: '\n',
                },
              },
            ],
            // The error record holds the original message (base64) and why the action failed.
            errorAction: {
              s3: {
                bucketName: target.bucket.bucketName,
                key: `${errorPrefix}/${rule.name}/\${timestamp()}-\${newuuid()}.json`,
                roleArn: this.ruleRole.roleArn,
              },
            },
          },
        });
        topicRule.node.addDependency(this.ruleRole);
        return topicRule;
      });
  }
}
