// Know what the platform costs before the bill: a monthly budget per stage with early warnings, Cost
// Explorer's anomaly detection on the platform's own spend, and the alarm topic every platform alarm goes to.
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as ce from 'aws-cdk-lib/aws-ce';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { parameters, stages, type Stage } from '@tributary/contracts';
import { rotatingKey, StageStack, type StageStackProps } from '@tributary/contracts/cdk';

export interface CostMonitoringStackProps extends Omit<StageStackProps, 'stage'> {
  /** Each stage's monthly budget in USD. @default 20 for every stage */
  readonly monthlyBudgetUsdPerStage?: Partial<Record<Stage, number>>;
  /** Cost anomalies above this many USD are reported. @default 10 */
  readonly anomalyThresholdUsd?: number;
}

const defaultMonthlyBudgetUsd = 20;

export class CostMonitoringStack extends StageStack<'cross-cutting'> {
  readonly alarmTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: CostMonitoringStackProps = {}) {
    super(scope, id, { ...props, stage: 'cross-cutting' });
    const key = rotatingKey(this, 'AlarmTopicKey', 'Encrypts the platform alarm topic');
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'tributary platform alarms',
      masterKey: key,
      enforceSSL: true,
    });
    // Budgets, Cost Anomaly Detection and CloudWatch publish to the encrypted topic.
    for (const service of ['budgets.amazonaws.com', 'costalerts.amazonaws.com', 'cloudwatch.amazonaws.com']) {
      const principal = new iam.ServicePrincipal(service);
      this.alarmTopic.grantPublish(principal);
      key.grant(principal, 'kms:GenerateDataKey*', 'kms:Decrypt');
    }

    const threshold = (percent: number, notificationType: 'ACTUAL' | 'FORECASTED') => ({
      notification: {
        comparisonOperator: 'GREATER_THAN',
        notificationType,
        threshold: percent,
        thresholdType: 'PERCENTAGE',
      },
      subscribers: [{ subscriptionType: 'SNS', address: this.alarmTopic.topicArn }],
    });
    // One budget per stage, by the `tributary:stage` tag every StageStack puts on its resources (activate
    // it once as a cost allocation tag in the Billing console: CloudFormation cannot).
    for (const stage of stages) {
      new budgets.CfnBudget(this, `Budget-${stage}`, {
        budget: {
          budgetName: `tributary-${stage}-monthly`,
          budgetType: 'COST',
          timeUnit: 'MONTHLY',
          budgetLimit: {
            amount: props.monthlyBudgetUsdPerStage?.[stage] ?? defaultMonthlyBudgetUsd,
            unit: 'USD',
          },
          costFilters: { TagKeyValue: [`user:tributary:stage$${stage}`] },
        },
        notificationsWithSubscribers: [threshold(80, 'ACTUAL'), threshold(100, 'FORECASTED')],
      });
    }

    // A customer-managed monitor of the spend tagged with a stage, not an AWS-managed per-service one:
    // an account may hold one DIMENSIONAL monitor per dimension, and many already have AWS's default
    // services monitor, so a second fails to create (cloudformation-coverage-roadmap#2515).
    const monitor = new ce.CfnAnomalyMonitor(this, 'CostAnomalyMonitor', {
      monitorName: 'tributary-stages',
      monitorType: 'CUSTOM',
      monitorSpecification: JSON.stringify({ Tags: { Key: 'tributary:stage', Values: [...stages] } }),
    });
    new ce.CfnAnomalySubscription(this, 'CostAnomalySubscription', {
      subscriptionName: 'tributary-cost-anomalies',
      frequency: 'IMMEDIATE',
      monitorArnList: [monitor.attrMonitorArn],
      subscribers: [{ type: 'SNS', address: this.alarmTopic.topicArn }],
      thresholdExpression: JSON.stringify({
        Dimensions: {
          Key: 'ANOMALY_TOTAL_IMPACT_ABSOLUTE',
          MatchOptions: ['GREATER_THAN_OR_EQUAL'],
          Values: [String(props.anomalyThresholdUsd ?? 10)],
        },
      }),
    });

    this.publish(parameters['cross-cutting'].alarmTopicArn, this.alarmTopic.topicArn);
  }
}
