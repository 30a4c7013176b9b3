// Audit the fleet's security on AWS: IoT Device Defender's account audit, with the checks that catch
// the mistakes the local policy checks also refuse (overly permissive policies, shared certificates,
// revoked CAs still active), run weekly, findings to the alarm topic.
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import type { Construct } from 'constructs';
import { acknowledge, kmsGrantWildcards, StageStack, type StageStackProps } from '@tributary/contracts/cdk';
import type { CostMonitoringStack } from './cost-monitoring-stack.js';

export const auditChecks = [
  'IOT_POLICY_OVERLY_PERMISSIVE_CHECK',
  'DEVICE_CERTIFICATE_SHARED_CHECK',
  'DEVICE_CERTIFICATE_EXPIRING_CHECK',
  'REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK',
  'REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK',
  'CONFLICTING_CLIENT_IDS_CHECK',
  'LOGGING_DISABLED_CHECK',
  'UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK',
] as const;

export interface SecurityStackProps extends Omit<StageStackProps, 'stage'> {
  readonly costMonitoring: CostMonitoringStack;
}

export class SecurityStack extends StageStack<'cross-cutting'> {
  constructor(scope: Construct, id: string, props: SecurityStackProps) {
    super(scope, id, { ...props, stage: 'cross-cutting' });
    const auditRole = new iam.Role(this, 'AuditRole', {
      assumedBy: new iam.ServicePrincipal('iot.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSIoTDeviceDefenderAudit')],
    });
    acknowledge(auditRole, {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSIoTDeviceDefenderAudit]',
      reason: 'The AWS-managed, read-only policy Device Defender documents for its audit role.',
    });
    const notifyRole = new iam.Role(this, 'AuditNotificationRole', {
      assumedBy: new iam.ServicePrincipal('iot.amazonaws.com'),
    });
    props.costMonitoring.alarmTopic.grantPublish(notifyRole);
    acknowledge(notifyRole, ...kmsGrantWildcards);

    const audit = new iot.CfnAccountAuditConfiguration(this, 'AccountAudit', {
      accountId: this.account,
      roleArn: auditRole.roleArn,
      auditCheckConfigurations: Object.fromEntries(
        auditChecks.map((check) => [camelCaseOf(check), { enabled: true }]),
      ),
      auditNotificationTargetConfigurations: {
        sns: {
          enabled: true,
          roleArn: notifyRole.roleArn,
          targetArn: props.costMonitoring.alarmTopic.topicArn,
        },
      },
    });
    const weekly = new iot.CfnScheduledAudit(this, 'WeeklyAudit', {
      scheduledAuditName: 'tributary-weekly',
      frequency: 'WEEKLY',
      dayOfWeek: 'MON',
      targetCheckNames: [...auditChecks],
    });
    weekly.addResourceDependency(audit);
  }
}

/** `IOT_POLICY_OVERLY_PERMISSIVE_CHECK` → `iotPolicyOverlyPermissiveCheck`, CloudFormation's key. */
function camelCaseOf(check: string): string {
  return check.toLowerCase().replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
