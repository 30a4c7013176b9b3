// The log groups behind the CloudWatch dashboard's per-device and per-anomaly widgets (Logs Insights).
// CloudWatch holds no per-device metrics (the Lambdas' EMF metrics are per stage), so the events that are
// per device are copied into log groups this stage owns: anomaly transitions from Transform's EventBridge
// bus, and IoT Core's connect/disconnect lifecycle events.
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** 2016-03-23: the IoT SQL version every rule of the platform uses. */
const iotSqlVersion = '2016-03-23';

export interface DashboardLogSourcesProps {
  /** The bus Transform puts every anomaly event on (it carries nothing else). */
  readonly anomalyEventBusName: string;
  /** @default one month */
  readonly retention?: logs.RetentionDays;
}

export class DashboardLogSources extends Construct {
  /** One log event per anomaly event: the EventBridge envelope, the AnomalyEvent in `detail`. */
  readonly anomalyEvents: logs.LogGroup;
  /** One log event per connect or disconnect (IoT lifecycle event JSON: clientId, eventType, …). */
  readonly devicePresence: logs.LogGroup;

  constructor(scope: Construct, id: string, props: DashboardLogSourcesProps) {
    super(scope, id);
    const retention = props.retention ?? logs.RetentionDays.ONE_MONTH;

    // EventBridge writes only to log groups under /aws/events/ and needs their resource policy.
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-cloudwatchlogs-permissions
    this.anomalyEvents = new logs.LogGroup(this, 'AnomalyEvents', {
      logGroupName: '/aws/events/tributary/anomaly-events',
      retention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.anomalyEvents.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [
          new iam.ServicePrincipal('events.amazonaws.com'),
          new iam.ServicePrincipal('delivery.logs.amazonaws.com'),
        ],
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.anomalyEvents.logGroupArn],
      }),
    );
    const anomalyEventsArn = Stack.of(this).formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: this.anomalyEvents.logGroupName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    new events.Rule(this, 'AnomalyEventsToLogs', {
      description: 'Copies every anomaly event into the log group the dashboard queries',
      eventBus: events.EventBus.fromEventBusName(this, 'AnomalyEventBus', props.anomalyEventBusName),
      // Every event on the bus: it carries only anomaly events.
      eventPattern: { account: [Stack.of(this).account] },
      // A target given by ARN: the library's CloudWatchLogGroup target adds a Lambda to write the same policy.
      targets: [{ bind: () => ({ arn: anomalyEventsArn }) }],
    });

    this.devicePresence = new logs.LogGroup(this, 'DevicePresence', {
      retention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const ruleRole = new iam.Role(this, 'PresenceRuleRole', {
      assumedBy: new iam.ServicePrincipal('iot.amazonaws.com'),
      description: 'Lets the presence topic rule write lifecycle events to their log group',
    });
    // The actions the IoT CloudWatch Logs rule action needs.
    // https://docs.aws.amazon.com/iot/latest/developerguide/cloudwatch-logs-rule-action.html
    ruleRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        resources: [this.devicePresence.logGroupArn],
      }),
    );
    const rule = new iot.CfnTopicRule(this, 'PresenceRule', {
      topicRulePayload: {
        description: 'Copies device connects and disconnects into the log group the dashboard queries',
        awsIotSqlVersion: iotSqlVersion,
        sql: "SELECT * FROM '$aws/events/presence/+/+'",
        ruleDisabled: false,
        actions: [
          { cloudwatchLogs: { logGroupName: this.devicePresence.logGroupName, roleArn: ruleRole.roleArn } },
        ],
      },
    });
    rule.node.addDependency(ruleRole);
  }
}
