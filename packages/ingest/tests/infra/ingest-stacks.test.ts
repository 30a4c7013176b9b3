// The Ingest stage's CloudFormation, asserted with aws-cdk-lib/assertions; cdk-nag runs on synth.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { auditIotPolicy, flattenIntrinsics, parameters, topics } from '@tributary/contracts';
import { createTributaryApp } from '@tributary/contracts/cdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventConfigurationsOf, tributaryEventTypes } from '../../src/core/registry-events.js';
import {
  authorizationRequestFor,
  authorize,
  parseIotPolicy,
  type BrokerOperation,
} from '../../src/core/iot-policy/index.js';
import { claimPolicyName, defineIngestStage } from '../../src/infra/index.js';

let iotCore: Template;
let registry: Template;

beforeAll(() => {
  const app = createTributaryApp();
  const stage = defineIngestStage(app);
  app.synth(); // throws on an unacknowledged AwsSolutions finding
  iotCore = Template.fromStack(stage.iotCore);
  registry = Template.fromStack(stage.deviceRegistry);
});

const statementsOf = (template: Template) => {
  const policies = template.findResources('AWS::IoT::Policy');
  return Object.values(policies).flatMap(
    (p) =>
      (p as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties
        .PolicyDocument.Statement,
  );
};

describe('IoTCoreStack', () => {
  it('lets a device connect only as its own thing, and only while its certificate is attached to it', () => {
    const connect = statementsOf(iotCore).find((s) => s['Action'] === 'iot:Connect');
    expect(JSON.stringify(connect?.['Resource'])).toContain('client/${iot:Connection.Thing.ThingName}');
    expect(connect?.['Condition']).toEqual({ Bool: { 'iot:Connection.Thing.IsAttached': 'true' } });
  });

  it('lets a device publish telemetry on its own topic only', () => {
    const publish = statementsOf(iotCore).find((s) => s['Action'] === 'iot:Publish');
    expect(JSON.stringify(publish?.['Resource'])).toContain(
      `topic/${topics.telemetry('${iot:Connection.Thing.ThingName}')}`,
    );
    expect(JSON.stringify(statementsOf(iotCore))).not.toMatch(/topic\/dt\/tributary\/\*|"iot:\*"/);
  });

  it('publishes the telemetry topic filter, thing type and policy for downstream stages', () => {
    iotCore.hasResourceProperties('AWS::SSM::Parameter', {
      Name: parameters.ingest.telemetryTopicFilter.name,
      Value: topics.telemetryFilter,
    });
    for (const parameter of [parameters.ingest.thingTypeName, parameters.ingest.devicePolicyName]) {
      iotCore.hasResourceProperties('AWS::SSM::Parameter', { Name: parameter.name });
    }
    iotCore.hasResourceProperties('AWS::IoT::ThingType', { ThingTypeName: 'environment-sensor' });
  });
});

describe('DeviceRegistryStack', () => {
  it('groups the fleet by site', () => {
    registry.resourceCountIs('AWS::IoT::ThingGroup', 3);
    registry.hasResourceProperties('AWS::IoT::ThingGroup', {
      ThingGroupName: 'tributary-site-plant-north',
      ThingGroupProperties: { AttributePayload: { Attributes: { site: 'plant-north' } } },
    });
  });

  it('provisions devices with the thing type and policy IoTCoreStack publishes, read through SSM', () => {
    registry.hasResourceProperties('AWS::IoT::ProvisioningTemplate', {
      Enabled: true,
      TemplateBody: Match.anyValue(),
    });
    const parameterTypes = Object.values(
      registry.toJSON()['Parameters'] as Record<string, { Type: string; Default: string }>,
    );
    expect(parameterTypes.map((p) => p.Default)).toEqual(
      expect.arrayContaining([parameters.ingest.thingTypeName.name, parameters.ingest.devicePolicyName.name]),
    );
  });
});

/** The SDK call a Custom::AWS resource makes on `phase`. */
function sdkCallOf(template: Template, phase: 'Create' | 'Update' | 'Delete') {
  const [resource] = Object.values(template.findResources('Custom::AWS')) as {
    Properties: Record<string, string>;
  }[];
  return JSON.parse(resource!.Properties[phase]!) as {
    action: string;
    parameters: { eventConfigurations: unknown };
  };
}

/** The claim policy's JSON as IoT sees it in account 123456789012, eu-west-1. */
function deployedClaimPolicy(template: Template): string {
  const [policy] = Object.values(
    template.findResources('AWS::IoT::Policy', { Properties: { PolicyName: claimPolicyName } }),
  ) as { Properties: { PolicyDocument: unknown } }[];
  return JSON.stringify(flattenIntrinsics(policy!.Properties.PolicyDocument))
    .replaceAll('<AWS::Partition>', 'aws')
    .replaceAll('<AWS::Region>', 'eu-west-1')
    .replaceAll('<AWS::AccountId>', '123456789012');
}

describe('DeviceRegistryStack registry events (iot-events.html)', () => {
  it('turns on the event types the local platform enables, and off when the stack is deleted', () => {
    for (const phase of ['Create', 'Update'] as const) {
      expect(sdkCallOf(registry, phase)).toMatchObject({
        action: 'updateEventConfigurations',
        parameters: { eventConfigurations: eventConfigurationsOf(tributaryEventTypes, true) },
      });
    }
    expect(sdkCallOf(registry, 'Delete').parameters.eventConfigurations).toEqual(
      eventConfigurationsOf(tributaryEventTypes, false),
    );
  });

  it('lets the custom resource call UpdateEventConfigurations and nothing else', () => {
    const statements = Object.values(registry.findResources('AWS::IAM::Policy')).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument
          .Statement,
    );
    expect(statements).toEqual([{ Effect: 'Allow', Action: 'iot:UpdateEventConfigurations', Resource: '*' }]);
  });
});

describe('DeviceRegistryStack provisioning by claim (fleet-provision-api.html)', () => {
  const claimContext = (clientId: string) => ({ region: 'eu-west-1', account: '123456789012', clientId });
  const mayClaim = (operation: BrokerOperation, clientId = 'provisioning-SN1') => {
    const policy = parseIotPolicy(claimPolicyName, deployedClaimPolicy(registry));
    const context = claimContext(clientId);
    return authorize([policy], authorizationRequestFor(operation, context), context).allowed;
  };

  it('lets the claim certificate create a certificate and register through the fleet template', () => {
    for (const topic of [
      '$aws/certificates/create/json',
      '$aws/provisioning-templates/tributary-fleet/provision/json',
    ]) {
      expect(mayClaim({ action: 'iot:Publish', topic })).toBe(true);
      expect(mayClaim({ action: 'iot:Subscribe', topicFilter: `${topic}/accepted` })).toBe(true);
      expect(mayClaim({ action: 'iot:Receive', topic: `${topic}/rejected` })).toBe(true);
    }
    expect(mayClaim({ action: 'iot:Connect', clientId: 'provisioning-SN1' })).toBe(true);
  });

  it('lets it do nothing else: no device client ids, no telemetry, no other template', () => {
    expect(mayClaim({ action: 'iot:Connect', clientId: 'sensor-SN1' }, 'sensor-SN1')).toBe(false);
    expect(mayClaim({ action: 'iot:Publish', topic: topics.telemetry('sensor-SN1') })).toBe(false);
    expect(
      mayClaim({ action: 'iot:Publish', topic: '$aws/provisioning-templates/other/provision/json' }),
    ).toBe(false);
    expect(mayClaim({ action: 'iot:Subscribe', topicFilter: '$aws/events/#' })).toBe(false);
    expect(mayClaim({ action: 'iot:RetainPublish', topic: '$aws/certificates/create/json' })).toBe(false);
    expect(auditIotPolicy(deployedClaimPolicy(registry))).toEqual([]);
  });

  it('publishes the claim policy name for whoever attaches it to the claim certificate', () => {
    registry.hasResourceProperties('AWS::SSM::Parameter', {
      Name: parameters.ingest.claimPolicyName.name,
      Value: Match.objectLike({ Ref: Match.stringLikeRegexp('ClaimPolicy') }),
    });
  });
});

describe('the default device policy', () => {
  it('passes the IoT policy audit', async () => {
    const { auditIotPolicy } = await import('@tributary/contracts');
    const { devicePolicyDocument } = await import('../../src/core/device-policy.js');
    expect(auditIotPolicy(devicePolicyDocument('aws', 'eu-west-1', '123456789012'))).toEqual([]);
  });
});
