// The Transform stage's streams: the telemetry stream the IoT topic rule feeds — the rule belongs here,
// reading the topic filter Ingest publishes — and one stream per lake table, which Store delivers.
import { Duration, StringConcat, Tokenization } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { iotSqlVersion, parseRuleSql } from '@tributary/ingest';
import {
  lakeStreamParameterOf,
  parameters,
  streamedLakeTables,
  telemetryRuleSql,
  type StreamedLakeTableName,
} from '@tributary/contracts';
import {
  acknowledge,
  kmsGrantWildcards,
  rotatingKey,
  StageStack,
  type StageStackProps,
} from '@tributary/contracts/cdk';

export interface StreamingStackProps extends Omit<StageStackProps, 'stage'> {
  /** Kinesis capacity mode: on-demand scales by itself; provisioned is cheaper for a steady small fleet. */
  readonly streamMode?: kinesis.StreamMode;
  /** Shards per stream in provisioned mode. @default 1 */
  readonly shardCount?: number;
}

export class StreamingStack extends StageStack<'transform'> {
  readonly key: kms.Key;
  readonly telemetryStream: kinesis.Stream;
  readonly lakeStreams: Record<StreamedLakeTableName, kinesis.Stream>;
  readonly ruleErrors: sqs.Queue;

  constructor(scope: Construct, id: string, props: StreamingStackProps = {}) {
    super(scope, id, { ...props, stage: 'transform' });
    const streamMode = props.streamMode ?? kinesis.StreamMode.ON_DEMAND;
    const shardCount = streamMode === kinesis.StreamMode.PROVISIONED ? (props.shardCount ?? 1) : undefined;

    this.key = rotatingKey(this, 'StreamKey', 'Encrypts the Transform stage streams and queues');
    const stream = (name: string) => {
      const created = new kinesis.Stream(this, name, {
        encryption: kinesis.StreamEncryption.KMS,
        encryptionKey: this.key,
        streamMode,
        shardCount,
        retentionPeriod: Duration.hours(24),
      });
      acknowledge(created, {
        id: 'AwsSolutions-KDS3',
        reason: 'A customer-managed key, so Store can be granted decrypt on it alone and its use is audited.',
      });
      return created;
    };
    this.telemetryStream = stream('TelemetryStream');
    this.lakeStreams = {
      telemetry: stream('TelemetryLakeStream'),
      anomalies: stream('AnomaliesLakeStream'),
      quarantine: stream('QuarantineLakeStream'),
    };

    this.ruleErrors = new sqs.Queue(this, 'TelemetryRuleErrors', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.ruleErrors, {
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter destination of the telemetry rule: messages the rule could not put on the stream, with the error.',
    });

    const ruleRole = new iam.Role(this, 'TelemetryRuleRole', {
      assumedBy: new iam.ServicePrincipal('iot.amazonaws.com'),
      description:
        'Lets the telemetry topic rule put messages on the telemetry stream and errors on its queue',
    });
    this.telemetryStream.grantWrite(ruleRole);
    this.ruleErrors.grantSendMessages(ruleRole);
    acknowledge(ruleRole, ...kmsGrantWildcards);

    const ruleSql = telemetryRuleSql(this.read(parameters.ingest.telemetryTopicFilter));
    assertRunsLocally(ruleSql);
    const rule = new iot.CfnTopicRule(this, 'TelemetryRule', {
      topicRulePayload: {
        description: 'Routes device telemetry to the telemetry stream, one shard key per thing',
        awsIotSqlVersion: iotSqlVersion,
        sql: ruleSql,
        ruleDisabled: false,
        actions: [
          {
            kinesis: {
              streamName: this.telemetryStream.streamName,
              partitionKey: '${topic(3)}',
              roleArn: ruleRole.roleArn,
            },
          },
        ],
        errorAction: {
          sqs: { queueUrl: this.ruleErrors.queueUrl, roleArn: ruleRole.roleArn, useBase64: true },
        },
      },
    });
    rule.node.addDependency(ruleRole);

    this.publish(parameters.transform.streamKeyArn, this.key.keyArn);
    this.publish(parameters.transform.telemetryStreamArn, this.telemetryStream.streamArn);
    this.publish(parameters.transform.telemetryStreamName, this.telemetryStream.streamName);
    for (const table of Object.keys(streamedLakeTables) as StreamedLakeTableName[]) {
      this.publish(lakeStreamParameterOf(table), this.lakeStreams[table].streamArn);
    }
  }
}

/** Stands in for the topic filter, a CDK token until deploy time (the SSM parameter Ingest publishes). */
const topicFilterPlaceholder = 'synth/placeholder/#';

/**
 * The deployed rule must run the same locally: its SQL has to parse with the local rules engine's IoT
 * SQL parser and use only what that engine runs, or synth fails with the position of the problem. Tokens
 * (the SSM topic filter) are replaced by a placeholder filter first; the filter's own value is checked
 * where Ingest defines it.
 */
function assertRunsLocally(sql: string): void {
  const withPlaceholders = Tokenization.reverseString(sql)
    .mapTokens({ mapToken: () => topicFilterPlaceholder })
    .join(new StringConcat()) as string;
  parseRuleSql(withPlaceholders);
}
