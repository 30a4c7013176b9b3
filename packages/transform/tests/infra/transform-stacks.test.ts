// The Transform stage's CloudFormation, asserted with aws-cdk-lib/assertions; cdk-nag runs on synth.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { lakeStreamParameterOf, parameters, telemetryRuleSql } from '@tributary/contracts';
import { createTributaryApp } from '@tributary/contracts/cdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { defineTransformStage } from '../../src/infra/index.js';

let streaming: Template;
let enrichment: Template;
let anomalyDetection: Template;

beforeAll(() => {
  const app = createTributaryApp();
  const stage = defineTransformStage(app);
  app.synth(); // throws on an unacknowledged AwsSolutions finding
  streaming = Template.fromStack(stage.streaming);
  enrichment = Template.fromStack(stage.enrichment);
  anomalyDetection = Template.fromStack(stage.anomalyDetection);
}, 60_000);

describe('StreamingStack', () => {
  it('routes telemetry with the contract SQL, reading the topic filter Ingest publishes through SSM', () => {
    const rule = Object.values(streaming.findResources('AWS::IoT::TopicRule'))[0] as {
      Properties: { TopicRulePayload: { Sql: unknown; Actions: { Kinesis: { PartitionKey: string } }[] } };
    };
    const sql = JSON.stringify(rule.Properties.TopicRulePayload.Sql);
    expect(sql).toContain(telemetryRuleSql('X').split("FROM '")[0]);
    const topicFilterParameter = Object.entries(
      streaming.toJSON()['Parameters'] as Record<string, { Default: string }>,
    ).find(([, p]) => p.Default === parameters.ingest.telemetryTopicFilter.name);
    expect(topicFilterParameter).toBeDefined();
    expect(sql).toContain(topicFilterParameter![0]);
    // One partition key per thing keeps each device's readings in order.
    expect(rule.Properties.TopicRulePayload.Actions[0]?.Kinesis.PartitionKey).toBe('${topic(3)}');
  });

  it('sends what the rule cannot deliver to an encrypted error queue instead of dropping it', () => {
    streaming.hasResourceProperties('AWS::IoT::TopicRule', {
      TopicRulePayload: { ErrorAction: { Sqs: { UseBase64: true, QueueUrl: Match.anyValue() } } },
    });
    streaming.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: Match.anyValue() });
  });

  it('encrypts every stream with its rotating customer-managed key', () => {
    streaming.resourceCountIs('AWS::Kinesis::Stream', 4);
    streaming.allResourcesProperties('AWS::Kinesis::Stream', {
      StreamEncryption: { EncryptionType: 'KMS', KeyId: Match.anyValue() },
    });
    streaming.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('publishes a stream per lake table for Store', () => {
    for (const table of ['telemetry', 'anomalies', 'quarantine'] as const) {
      streaming.hasResourceProperties('AWS::SSM::Parameter', { Name: lakeStreamParameterOf(table).name });
    }
  });
});

describe('EnrichmentStack', () => {
  it('consumes the telemetry stream with partial batch failures, bisect, bounded retries and a DLQ', () => {
    enrichment.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it('may put events on the anomaly bus only, and read the thing context of things only', () => {
    const statements = Object.values(enrichment.findResources('AWS::IAM::Policy')).flatMap(
      (policy) =>
        (
          policy as {
            Properties: { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } };
          }
        ).Properties.PolicyDocument.Statement,
    );
    const putEvents = statements.find((statement) => statement.Action === 'events:PutEvents');
    expect(JSON.stringify(putEvents?.Resource)).toContain('AnomalyEvents');
    const thingContext = statements.find(
      (statement) => Array.isArray(statement.Action) && statement.Action.includes('iot:GetThingShadow'),
    );
    expect(thingContext?.Action).toEqual([
      'iot:DescribeThing',
      'iot:ListThingGroupsForThing',
      'iot:GetThingShadow',
    ]);
    expect(JSON.stringify(thingContext?.Resource)).toContain(':thing/*');
  });

  it('tells the handler which bus to put anomaly events on', () => {
    enrichment.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          ANOMALY_EVENT_BUS_NAME: { 'Fn::ImportValue': Match.stringLikeRegexp('AnomalyEvents') },
        }),
      },
    });
  });

  it('runs the bundled handler on a current Node runtime with traces and a log retention', () => {
    enrichment.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      TracingConfig: { Mode: 'Active' },
      Environment: { Variables: Match.objectLike({ TELEMETRY_STREAM_ARN: Match.anyValue() }) },
    });
    enrichment.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });
});

describe('EnrichmentStack alarms', () => {
  it('alarms on lag, failures and dead letters, on an encrypted topic published for other stages', () => {
    enrichment.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    enrichment.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Threshold: 60_000,
      AlarmActions: [Match.anyValue()],
    });
    enrichment.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
    });
    enrichment.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    enrichment.hasResourceProperties('AWS::SSM::Parameter', {
      Name: parameters.transform.pipelineAlarmTopicArn.name,
    });
  });

  it('keeps the Enrichment Lambda logs a month in a KMS-encrypted log group, published for LoggingStack', () => {
    enrichment.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 30,
      KmsKeyId: Match.objectLike({
        'Fn::GetAtt': Match.arrayWith([Match.stringLikeRegexp('EnrichmentLogsKey')]),
      }),
    });
    enrichment.hasResourceProperties('AWS::SSM::Parameter', {
      Name: parameters.transform.enrichmentLogGroupName.name,
      Value: { Ref: Match.stringLikeRegexp('EnrichmentLogs') },
    });
  });
});

describe('AnomalyDetectionStack', () => {
  it('keeps detector state in an encrypted table with point-in-time recovery', () => {
    anomalyDetection.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'series', KeyType: 'HASH' }],
      SSESpecification: Match.objectLike({ SSEEnabled: true }),
      Replicas: [
        Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ],
    });
    anomalyDetection.hasResourceProperties('AWS::SSM::Parameter', {
      Name: parameters.transform.detectorStateTableName.name,
    });
  });

  it('publishes the anomaly event bus and the alarm topic in the SSM catalogue', () => {
    anomalyDetection.hasResourceProperties('AWS::SSM::Parameter', {
      Name: parameters.transform.anomalyEventBusName.name,
      Value: { Ref: Match.stringLikeRegexp('AnomalyEvents') },
    });
    anomalyDetection.hasResourceProperties('AWS::SSM::Parameter', {
      Name: parameters.transform.anomalyAlarmTopicArn.name,
      Value: { Ref: Match.stringLikeRegexp('AnomalyAlarms') },
    });
  });

  it("routes raised anomalies from the stage's own bus to the alarm topic, with a dead-letter queue", () => {
    anomalyDetection.resourceCountIs('AWS::Events::EventBus', 1);
    anomalyDetection.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.stringLikeRegexp('AnomalyEvents') },
      EventPattern: { source: ['tributary.transform'], 'detail-type': ['Tributary Anomaly Raised'] },
      Targets: [
        Match.objectLike({
          Arn: { Ref: Match.stringLikeRegexp('AnomalyAlarms') },
          DeadLetterConfig: { Arn: Match.anyValue() },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 8 }),
        }),
      ],
    });
  });

  it('encrypts the alarm topic with a rotating key EventBridge may use, and refuses plain HTTP', () => {
    const topic = Object.values(anomalyDetection.findResources('AWS::SNS::Topic'))[0] as {
      Properties: { KmsMasterKeyId: { 'Fn::GetAtt': [string, string] } };
    };
    const keyId = topic.Properties.KmsMasterKeyId['Fn::GetAtt'][0];
    const key = anomalyDetection.findResources('AWS::KMS::Key')[keyId] as {
      Properties: { EnableKeyRotation: boolean; KeyPolicy: { Statement: unknown[] } };
    };
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.Properties.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      }),
    );
    anomalyDetection.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Action: 'sns:Publish', Principal: { Service: 'events.amazonaws.com' } }),
        ]),
      },
    });
    anomalyDetection.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
  });
});
