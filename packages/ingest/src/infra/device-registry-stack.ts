// The device registry on AWS: a thing group per site, and a fleet-provisioning template so a device
// can register itself as a thing of the fleet's type, with the default device policy attached.
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import type { Construct } from 'constructs';
import { parameters } from '@tributary/contracts';
import { acknowledge, StageStack, type StageStackProps } from '@tributary/contracts/cdk';

export interface DeviceRegistryStackProps extends Omit<StageStackProps, 'stage'> {
  /** The sites devices are grouped by; one static thing group each. */
  readonly sites?: readonly string[];
}

export const defaultSites = ['plant-north', 'plant-south'] as const;

export class DeviceRegistryStack extends StageStack<'ingest'> {
  constructor(scope: Construct, id: string, props: DeviceRegistryStackProps = {}) {
    super(scope, id, { ...props, stage: 'ingest' });

    const fleet = new iot.CfnThingGroup(this, 'FleetGroup', {
      thingGroupName: 'tributary-fleet',
      thingGroupProperties: { thingGroupDescription: 'Every device of the tributary fleet' },
    });
    for (const site of props.sites ?? defaultSites) {
      const group = new iot.CfnThingGroup(this, `SiteGroup-${site}`, {
        thingGroupName: `tributary-site-${site}`,
        parentGroupName: fleet.ref,
        thingGroupProperties: { attributePayload: { attributes: { site } } },
      });
      group.addResourceDependency(fleet);
    }

    const provisioningRole = new iam.Role(this, 'ProvisioningRole', {
      assumedBy: new iam.ServicePrincipal('iot.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSIoTThingsRegistration')],
    });
    acknowledge(provisioningRole, {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSIoTThingsRegistration]',
      reason: 'The AWS-managed policy IoT fleet provisioning documents for its provisioning role.',
    });

    new iot.CfnProvisioningTemplate(this, 'FleetProvisioningTemplate', {
      templateName: 'tributary-fleet',
      description: 'Registers a device as a thing of the fleet type with the default device policy',
      enabled: true,
      provisioningRoleArn: provisioningRole.roleArn,
      templateBody: JSON.stringify(
        fleetProvisioningTemplate(
          this.read(parameters.ingest.thingTypeName),
          this.read(parameters.ingest.devicePolicyName),
        ),
      ),
    });
  }
}

/** https://docs.aws.amazon.com/iot/latest/developerguide/provision-template.html */
function fleetProvisioningTemplate(thingTypeName: string, policyName: string) {
  return {
    Parameters: {
      SerialNumber: { Type: 'String' },
      Site: { Type: 'String' },
      'AWS::IoT::Certificate::Id': { Type: 'String' },
    },
    Resources: {
      thing: {
        Type: 'AWS::IoT::Thing',
        Properties: {
          ThingName: { 'Fn::Join': ['', ['sensor-', { Ref: 'SerialNumber' }]] },
          ThingTypeName: thingTypeName,
          AttributePayload: { site: { Ref: 'Site' } },
        },
      },
      certificate: {
        Type: 'AWS::IoT::Certificate',
        Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'ACTIVE' },
      },
      policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyName: policyName } },
    },
  };
}
