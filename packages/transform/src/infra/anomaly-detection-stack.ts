// Anomaly detection on AWS: where the detectors keep their state between batches (one item per thing,
// holding the state of each of its metrics, see lambda/detector-state-table.ts), and where their events go:
// the stage's EventBridge bus, whose rule sends raised anomalies to the alarm topic users subscribe to.
import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { parameters } from '@tributary/contracts';
import { acknowledge, rotatingKey, StageStack, type StageStackProps } from '@tributary/contracts/cdk';
import { anomalyDetailTypes, anomalyEventSource } from '../lambda/anomaly-event-names.js';

export class AnomalyDetectionStack extends StageStack<'transform'> {
  readonly detectorState: dynamodb.TableV2;
  /**
   * The stage's own bus rather than the account's default one: the Lambda's events:PutEvents grant is
   * scoped to it, so nothing else that may put on the default bus can spoof `tributary.transform`, and
   * rules, archives and cross-account subscribers of anomalies are managed with the stage.
   */
  readonly anomalyEvents: events.EventBus;
  /** Raised anomalies, for people and systems to subscribe to (email, SMS, a chat webhook, a queue). */
  readonly anomalyAlarmTopic: sns.Topic;
  readonly anomalyAlarmKey: kms.Key;
  /** Raised anomalies EventBridge could not deliver to the topic after its retries. */
  readonly undeliveredAlarms: sqs.Queue;

  constructor(scope: Construct, id: string, props: Omit<StageStackProps, 'stage'> = {}) {
    super(scope, id, { ...props, stage: 'transform' });
    this.detectorState = new dynamodb.TableV2(this, 'DetectorState', {
      partitionKey: { name: 'series', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'expires_at',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.publish(parameters.transform.detectorStateTableName, this.detectorState.tableName);

    this.anomalyEvents = new events.EventBus(this, 'AnomalyEvents', {
      description: 'Anomaly events (raised, cleared) of the Tributary Transform stage',
    });

    this.anomalyAlarmKey = rotatingKey(this, 'AnomalyAlarmsKey', 'Encrypts the anomaly alarm topic');
    // EventBridge publishes to an encrypted topic with the key: it needs to make and use data keys.
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html#eb-sns-encrypted
    this.anomalyAlarmKey.grant(
      new iam.ServicePrincipal('events.amazonaws.com'),
      'kms:GenerateDataKey*',
      'kms:Decrypt',
    );
    this.anomalyAlarmTopic = new sns.Topic(this, 'AnomalyAlarms', {
      displayName: 'Tributary anomaly alarms',
      masterKey: this.anomalyAlarmKey,
      enforceSSL: true,
    });

    this.undeliveredAlarms = new sqs.Queue(this, 'UndeliveredAnomalyAlarms', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.anomalyAlarmKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.undeliveredAlarms, {
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter destination of the anomaly alarm rule.',
    });

    new events.Rule(this, 'RaisedAnomaliesToAlarmTopic', {
      description: 'Sends every raised anomaly to the anomaly alarm topic',
      eventBus: this.anomalyEvents,
      eventPattern: { source: [anomalyEventSource], detailType: [anomalyDetailTypes.raised] },
      targets: [
        new targets.SnsTopic(this.anomalyAlarmTopic, {
          deadLetterQueue: this.undeliveredAlarms,
          retryAttempts: 8,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });
    // Other stages find the bus and the topic in the SSM catalogue; the outputs are for people.
    this.publish(parameters.transform.anomalyEventBusName, this.anomalyEvents.eventBusName);
    this.publish(parameters.transform.anomalyAlarmTopicArn, this.anomalyAlarmTopic.topicArn);
    new CfnOutput(this, 'AnomalyEventBusName', {
      description: 'EventBridge bus of the Transform anomaly events',
      value: this.anomalyEvents.eventBusName,
    });
    new CfnOutput(this, 'AnomalyAlarmTopicArn', {
      description: 'SNS topic of raised anomalies: subscribe to it to be alerted',
      value: this.anomalyAlarmTopic.topicArn,
    });
  }
}
