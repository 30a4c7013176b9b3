// Logs for the whole platform on AWS: IoT Core's own logs turned on (warnings and errors) into an
// encrypted log group with a retention, and an alarm when devices start failing; an error metric filter
// and alarm on every stage's function log group (found through the SSM catalogue), and an alarm on the
// share of messages the Transform stage quarantines.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { functionLogGroupParameters } from '@tributary/contracts';
import { acknowledge, rotatingKey, StageStack, type StageStackProps } from '@tributary/contracts/cdk';
import type { CostMonitoringStack } from './cost-monitoring-stack.js';

export interface LoggingStackProps extends Omit<StageStackProps, 'stage'> {
  readonly costMonitoring: CostMonitoringStack;
  /** @default one month */
  readonly retention?: logs.RetentionDays;
  /** Share of messages quarantined (%, over 15 minutes) above which the quarantine alarm fires. @default 5 */
  readonly quarantinePercentThreshold?: number;
}

/** The log group IoT Core writes to; its name is fixed by AWS. */
export const iotLogGroupName = 'AWSIotLogsV2';

export class LoggingStack extends StageStack<'cross-cutting'> {
  constructor(scope: Construct, id: string, props: LoggingStackProps) {
    super(scope, id, { ...props, stage: 'cross-cutting' });
    const key = rotatingKey(this, 'LogsKey', 'Encrypts the platform log groups');
    key.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`));
    const iotLogs = new logs.LogGroup(this, 'IotLogs', {
      logGroupName: iotLogGroupName,
      retention: props.retention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const loggingRole = new iam.Role(this, 'IotLoggingRole', {
      assumedBy: new iam.ServicePrincipal('iot.amazonaws.com'),
      description: 'Lets IoT Core write its logs',
    });
    loggingRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [`${iotLogs.logGroupArn}`],
      }),
    );
    acknowledge(loggingRole, {
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(iotLogs.node.defaultChild as logs.CfnLogGroup)}.Arn>]`,
      reason: 'A log group ARN ends in :* (all its streams); IoT Core creates one stream per device and day.',
    });
    const logging = new iot.CfnLogging(this, 'IotLogging', {
      accountId: this.account,
      roleArn: loggingRole.roleArn,
      defaultLogLevel: 'WARN',
    });
    logging.node.addDependency(iotLogs);

    const errors = new logs.MetricFilter(this, 'IotErrors', {
      logGroup: iotLogs,
      filterPattern: logs.FilterPattern.stringValue('$.logLevel', '=', 'ERROR'),
      metricNamespace: 'tributary',
      metricName: 'IotErrors',
      metricValue: '1',
      defaultValue: 0,
    });
    const alarm = new cloudwatch.Alarm(this, 'IotErrorsAlarm', {
      alarmDescription: 'IoT Core logged more than 10 errors in 5 minutes (failed connects, rule errors)',
      metric: errors.metric({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 10,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(props.costMonitoring.alarmTopic));
    const alarmAction = new actions.SnsAction(props.costMonitoring.alarmTopic);

    // Every function logs JSON (Powertools Logger, Lambda's JSON log format): `level` is ERROR on errors.
    for (const parameter of functionLogGroupParameters) {
      const id = parameter.name.split('/').slice(2).join('-');
      const logGroup = logs.LogGroup.fromLogGroupName(this, `${id}-LogGroup`, this.read(parameter));
      const functionErrors = new logs.MetricFilter(this, `${id}-Errors`, {
        logGroup,
        filterPattern: logs.FilterPattern.stringValue('$.level', '=', 'ERROR'),
        metricNamespace: 'tributary',
        metricName: `ErrorLogs-${id}`,
        metricValue: '1',
        defaultValue: 0,
      });
      new cloudwatch.Alarm(this, `${id}-ErrorsAlarm`, {
        alarmDescription: `Errors logged by the function whose log group is ${parameter.name} (more than 5 in 5 minutes)`,
        metric: functionErrors.metric({ statistic: 'Sum', period: Duration.minutes(5) }),
        threshold: 5,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(alarmAction);
    }

    // The Enrichment Lambda's EMF metrics (namespace Tributary): quarantined / (enriched + quarantined).
    const transformMetric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'Tributary',
        metricName,
        dimensionsMap: { service: 'tributary-enrichment', stage: 'transform' },
        statistic: 'Sum',
        period: Duration.minutes(15),
      });
    const quarantinePercent = new cloudwatch.MathExpression({
      label: 'Quarantined (%)',
      expression: '100 * quarantined / MAX([enriched + quarantined, 1])',
      usingMetrics: {
        quarantined: transformMetric('RecordsQuarantined'),
        enriched: transformMetric('ReadingsEnriched'),
      },
      period: Duration.minutes(15),
    });
    new cloudwatch.Alarm(this, 'QuarantineRateAlarm', {
      alarmDescription:
        'More than the threshold share of messages went to quarantine in 15 minutes: a device fleet sends what the contract refuses (see the quarantine table for reasons)',
      metric: quarantinePercent,
      threshold: props.quarantinePercentThreshold ?? 5,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(alarmAction);
  }
}
