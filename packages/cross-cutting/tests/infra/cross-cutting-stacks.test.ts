// The Cross-cutting stage's CloudFormation, asserted with aws-cdk-lib/assertions; cdk-nag runs on synth.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { functionLogGroupParameters, parameters, stages } from '@tributary/contracts';
import { createTributaryApp } from '@tributary/contracts/cdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditChecks, defineCrossCuttingStage } from '../../src/infra/index.js';

let cost: Template;
let security: Template;
let logging: Template;

beforeAll(() => {
  const app = createTributaryApp();
  const stage = defineCrossCuttingStage(app, { monthlyBudgetUsdPerStage: { transform: 120 } });
  app.synth(); // throws on an unacknowledged AwsSolutions finding
  cost = Template.fromStack(stage.costMonitoring);
  security = Template.fromStack(stage.security);
  logging = Template.fromStack(stage.logging);
});

describe('CostMonitoringStack', () => {
  it('budgets each stage by its tag, warning at 80% spent and 100% forecast on the alarm topic', () => {
    cost.resourceCountIs('AWS::Budgets::Budget', 5);
    cost.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: Match.objectLike({
        BudgetLimit: { Amount: 20, Unit: 'USD' },
        CostFilters: { TagKeyValue: ['user:tributary:stage$ingest'] },
      }),
    });
    cost.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: Match.objectLike({
        BudgetLimit: { Amount: 120, Unit: 'USD' },
        TimeUnit: 'MONTHLY',
        CostFilters: { TagKeyValue: ['user:tributary:stage$transform'] },
      }),
      NotificationsWithSubscribers: [
        Match.objectLike({ Notification: Match.objectLike({ Threshold: 80, NotificationType: 'ACTUAL' }) }),
        Match.objectLike({
          Notification: Match.objectLike({ Threshold: 100, NotificationType: 'FORECASTED' }),
        }),
      ],
    });
  });

  it('watches cost anomalies in the spend of every stage by its tag, and publishes the encrypted alarm topic', () => {
    // Not an AWS-managed SERVICE monitor: an account may hold only one, and AWS often creates it.
    cost.hasResourceProperties('AWS::CE::AnomalyMonitor', {
      MonitorType: 'CUSTOM',
      MonitorDimension: Match.absent(),
      MonitorSpecification: JSON.stringify({ Tags: { Key: 'tributary:stage', Values: [...stages] } }),
    });
    cost.hasResourceProperties('AWS::CE::AnomalySubscription', { Frequency: 'IMMEDIATE' });
    cost.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    cost.hasResourceProperties('AWS::SSM::Parameter', {
      Name: parameters['cross-cutting'].alarmTopicArn.name,
    });
  });
});

describe('SecurityStack', () => {
  it('turns on every Device Defender audit check it schedules weekly', () => {
    const audit = Object.values(security.findResources('AWS::IoT::AccountAuditConfiguration'))[0] as {
      Properties: { AuditCheckConfigurations: Record<string, { Enabled: boolean }> };
    };
    expect(Object.keys(audit.Properties.AuditCheckConfigurations)).toHaveLength(auditChecks.length);
    expect(Object.values(audit.Properties.AuditCheckConfigurations).every((c) => c.Enabled)).toBe(true);
    security.hasResourceProperties('AWS::IoT::ScheduledAudit', {
      Frequency: 'WEEKLY',
      TargetCheckNames: [...auditChecks],
    });
  });
});

describe('LoggingStack', () => {
  it('turns IoT Core logging on into an encrypted log group with a retention', () => {
    logging.hasResourceProperties('AWS::IoT::Logging', { DefaultLogLevel: 'WARN' });
    logging.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: 'AWSIotLogsV2',
      RetentionInDays: 30,
      KmsKeyId: Match.anyValue(),
    });
  });

  it('alarms on the alarm topic when IoT Core logs errors', () => {
    logging.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: '{ $.logLevel = "ERROR" }' });
    logging.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [Match.anyValue()],
      Threshold: 10,
    });
  });

  it('puts an error metric filter and alarm on every function log group of the SSM catalogue', () => {
    for (const parameter of functionLogGroupParameters) {
      const logGroupName = Match.objectLike({ Ref: Match.stringLikeRegexp('SsmParameterValue') });
      logging.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: logGroupName,
        FilterPattern: '{ $.level = "ERROR" }',
      });
      const parameterNames = Object.values(logging.toJSON()['Parameters'] ?? {}).map(
        (p) => (p as { Default?: string }).Default,
      );
      expect(parameterNames).toContain(parameter.name);
    }
    logging.resourcePropertiesCountIs(
      'AWS::Logs::MetricFilter',
      { FilterPattern: '{ $.level = "ERROR" }' },
      functionLogGroupParameters.length,
    );
  });

  it("alarms when the share of quarantined messages passes 5% over 15 minutes, from the Enrichment Lambda's EMF metrics", () => {
    logging.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 5,
      AlarmActions: [Match.anyValue()],
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: '100 * quarantined / MAX([enriched + quarantined, 1])' }),
        Match.objectLike({
          Id: 'quarantined',
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ Namespace: 'Tributary', MetricName: 'RecordsQuarantined' }),
          }),
        }),
      ]),
    });
  });
});
