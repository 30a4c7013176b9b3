// The Ingest stage's CloudFormation, asserted with aws-cdk-lib/assertions; cdk-nag runs on synth.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { parameters, topics } from '@tributary/contracts';
import { createTributaryApp } from '@tributary/contracts/cdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { defineIngestStage } from '../../src/infra/index.js';

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

describe('the default device policy', () => {
  it('passes the IoT policy audit', async () => {
    const { auditIotPolicy } = await import('@tributary/contracts');
    const { devicePolicyDocument } = await import('../../src/core/device-policy.js');
    expect(auditIotPolicy(devicePolicyDocument('aws', 'eu-west-1', '123456789012'))).toEqual([]);
  });
});
