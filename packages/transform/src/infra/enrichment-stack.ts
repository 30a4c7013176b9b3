// The Enrichment Lambda on the telemetry stream: decode, validate, enrich from the IoT registry (thing,
// groups, classic shadow), score, put each lake table's rows on its stream and anomaly events on the stage's
// bus. Partial batch failures, bisect on error, bounded retries and record age, and a dead-letter queue for
// batches that still fail.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { parameters } from '@tributary/contracts';
import {
  acknowledge,
  kmsGrantWildcards,
  nagArnOf,
  rotatingKey,
  StageStack,
  type StageStackProps,
} from '@tributary/contracts/cdk';
import type { AnomalyDetectionStack } from './anomaly-detection-stack.js';
import { bundledHandlerCode } from './bundled-handler-code.js';
import type { StreamingStack } from './streaming-stack.js';

export interface EnrichmentStackProps extends Omit<StageStackProps, 'stage'> {
  readonly streaming: StreamingStack;
  readonly anomalyDetection: AnomalyDetectionStack;
}

export class EnrichmentStack extends StageStack<'transform'> {
  readonly enrichment: lambda.Function;
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: EnrichmentStackProps) {
    super(scope, id, { ...props, stage: 'transform' });
    const { streaming, anomalyDetection } = props;

    // Owned here, not by LoggingStack: it must exist before the function logs (Cross-cutting deploys last).
    const logsKey = rotatingKey(this, 'EnrichmentLogsKey', 'Encrypts the Enrichment Lambda log group');
    logsKey.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`));
    const logGroup = new logs.LogGroup(this, 'EnrichmentLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      encryptionKey: logsKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.enrichment = new lambda.Function(this, 'Enrichment', {
      code: bundledHandlerCode(new URL('../lambda/enrichment-function.ts', import.meta.url)),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(60),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        TELEMETRY_STREAM_ARN: streaming.lakeStreams.telemetry.streamArn,
        ANOMALIES_STREAM_ARN: streaming.lakeStreams.anomalies.streamArn,
        QUARANTINE_STREAM_ARN: streaming.lakeStreams.quarantine.streamArn,
        DETECTOR_STATE_TABLE: anomalyDetection.detectorState.tableName,
        ANOMALY_EVENT_BUS_NAME: anomalyDetection.anomalyEvents.eventBusName,
        NODE_OPTIONS: '--enable-source-maps',
      },
    });

    this.deadLetters = new sqs.Queue(this, 'EnrichmentDeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: streaming.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.deadLetters, {
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter destination of the enrichment event source mapping.',
    });

    this.enrichment.addEventSource(
      new KinesisEventSource(streaming.telemetryStream, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 500,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        retryAttempts: 5,
        maxRecordAge: Duration.hours(6),
        reportBatchItemFailures: true,
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.deadLetters),
      }),
    );
    for (const stream of Object.values(streaming.lakeStreams)) stream.grantWrite(this.enrichment);
    anomalyDetection.detectorState.grantReadWriteData(this.enrichment);
    anomalyDetection.anomalyEvents.grantPutEventsTo(this.enrichment);
    // The thing context: registry record, direct groups and classic shadow, as the local platform reads it.
    this.enrichment.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['iot:DescribeThing', 'iot:ListThingGroupsForThing', 'iot:GetThingShadow'],
        resources: [this.formatArn({ service: 'iot', resource: 'thing', resourceName: '*' })],
      }),
    );
    // The account's iot:Data-ATS endpoint, where GetThingShadow is served (lambda/iot-shadow-reader.ts).
    this.enrichment.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['iot:DescribeEndpoint'], resources: ['*'] }),
    );

    this.publish(parameters.transform.enrichmentFunctionName, this.enrichment.functionName);
    this.publish(parameters.transform.enrichmentLogGroupName, logGroup.logGroupName);
    this.alarmOnPipelineTrouble();

    const role = this.enrichment.role!;
    acknowledge(
      role,
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'The AWS-managed basic execution policy only lets the function write its own logs.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${nagArnOf(this, 'iot', 'thing/*')}]`,
        reason:
          'Enrichment describes whichever thing sent the reading, and reads its groups and shadow; thing names are not known at deploy time.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords) and iot:DescribeEndpoint support no resource-level permissions.',
      },
      ...kmsGrantWildcards,
    );
  }

  /** Alarms when enrichment falls behind, fails, or dead-letters a batch, on a topic other stages can read. */
  private alarmOnPipelineTrouble(): void {
    const key = rotatingKey(this, 'PipelineAlarmsKey', 'Encrypts the Transform pipeline alarm topic');
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:GenerateDataKey*', 'kms:Decrypt');
    const topic = new sns.Topic(this, 'PipelineAlarms', { masterKey: key, enforceSSL: true });
    const alarms = [
      this.alarmAbove('EnrichmentLagging', {
        description: 'Enrichment is more than a minute behind the telemetry stream',
        metric: this.enrichment.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) }),
        threshold: 60_000,
        evaluationPeriods: 5,
      }),
      this.alarmAbove('EnrichmentFailing', {
        description: 'The Enrichment Lambda failed more than 5 times in 5 minutes',
        metric: this.enrichment.metricErrors({ period: Duration.minutes(5) }),
        threshold: 5,
      }),
      this.alarmAbove('EnrichmentDeadLettered', {
        description: 'A telemetry batch was given up on and sent to the dead-letter queue',
        metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        threshold: 0,
      }),
    ];
    for (const alarm of alarms) alarm.addAlarmAction(new actions.SnsAction(topic));
    this.publish(parameters.transform.pipelineAlarmTopicArn, topic.topicArn);
  }

  /** An alarm when the metric goes above the threshold; no data is not a breach. */
  private alarmAbove(
    id: string,
    alarm: { description: string; metric: cloudwatch.IMetric; threshold: number; evaluationPeriods?: number },
  ): cloudwatch.Alarm {
    return new cloudwatch.Alarm(this, id, {
      alarmDescription: alarm.description,
      metric: alarm.metric,
      threshold: alarm.threshold,
      evaluationPeriods: alarm.evaluationPeriods ?? 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
