// A cdk-nag rule pack for AWS IoT policies, which cdk-nag's own packs do not inspect. It runs beside
// AwsSolutions on every synth (createTributaryApp); a finding fails the synth unless acknowledged.
import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnPolicy } from 'aws-cdk-lib/aws-iot';
import { NagMessageLevel, NagPack, NagRuleCompliance, type NagPackProps, type NagRuleResult } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { auditIotPolicy, flattenIntrinsics, type IotPolicyFindingId } from '../iot-policy-audit.js';

const rules: Record<IotPolicyFindingId, { readonly info: string; readonly explanation: string }> = {
  WildcardAction: {
    info: 'The IoT policy allows every IoT action.',
    explanation:
      'Device Defender IOT_POLICY_OVERLY_PERMISSIVE_CHECK: grant the actions devices need, no more.',
  },
  WildcardResource: {
    info: 'The IoT policy allows every resource.',
    explanation:
      'Device Defender IOT_POLICY_OVERLY_PERMISSIVE_CHECK: scope resources to client/, topic/, topicfilter/ ARNs.',
  },
  ConnectAnyClient: {
    info: 'The IoT policy lets a certificate connect with any client id.',
    explanation: 'A stolen certificate could impersonate every device; bind the client id to the thing name.',
  },
  ConnectWithoutThingVariable: {
    info: 'The IoT policy allows fixed client ids instead of one per thing.',
    explanation: 'Devices sharing the policy share the ids (Device Defender CONFLICTING_CLIENT_IDS_CHECK).',
  },
  MqttWildcardInDeny: {
    info: 'The IoT policy denies a resource with + or #, which policies read literally.',
    explanation: 'The Deny blocks nothing the author meant; use the policy wildcard * instead.',
  },
};

export class IotPolicyChecks extends NagPack {
  readonly name = 'TributaryIoT';

  constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.packName = 'TributaryIoT';
  }

  protected checkResource(node: CfnResource): void {
    if (!(node instanceof CfnPolicy)) return;
    const document = flattenIntrinsics(Stack.of(node).resolve(node.policyDocument)) as Parameters<
      typeof auditIotPolicy
    >[0];
    const findings = auditIotPolicy(document);
    for (const [id, rule] of Object.entries(rules) as [
      IotPolicyFindingId,
      (typeof rules)[IotPolicyFindingId],
    ][]) {
      this.applyRule({
        ruleSuffixOverride: id,
        info: rule.info,
        explanation: rule.explanation,
        level: NagMessageLevel.ERROR,
        node,
        rule: (): NagRuleResult =>
          findings.some((f) => f.id === id) ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT,
      });
    }
  }
}
