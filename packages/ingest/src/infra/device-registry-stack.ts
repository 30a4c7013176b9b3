// The device registry on AWS: a thing group per site, registry events turned on (the same event types the
// local platform enables), and fleet provisioning by claim: a fleet-provisioning template so a device can
// register itself as a thing of the fleet's type with the default device policy attached, and the IoT policy
// of the claim certificate it provisions with (fleet-provision-api.html, provision-wo-cert.html#claim-based).
//
// The claim certificate itself is created out of band, so its private key never passes through
// CloudFormation: after deploying,
//   aws iot create-keys-and-certificate --set-as-active \
//     --certificate-pem-outfile claim.pem.crt --private-key-outfile claim.pem.key
//   aws iot attach-policy --target <certificateArn from the output> \
//     --policy-name "$(aws ssm get-parameter --name /tributary/ingest/claim-policy-name \
//       --query Parameter.Value --output text)"
// and install claim.pem.crt/claim.pem.key on the devices' images. Connecting with a client id starting
// `provisioning-`, a device then calls CreateKeysAndCertificate (`$aws/certificates/create/json`) and
// RegisterThing (`$aws/provisioning-templates/tributary-fleet/provision/json`).
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { parameters } from '@tributary/contracts';
import { acknowledge, StageStack, type StageStackProps } from '@tributary/contracts/cdk';
import { fleetProvisioningTemplate } from '../core/provisioning-template.js';
import { eventConfigurationsOf, tributaryEventTypes } from '../core/registry-events.js';

export interface DeviceRegistryStackProps extends Omit<StageStackProps, 'stage'> {
  /** The sites devices are grouped by; one static thing group each. */
  readonly sites?: readonly string[];
}

export const defaultSites = ['plant-north', 'plant-south'] as const;

/** The fleet-provisioning template devices register through. */
export const fleetTemplateName = 'tributary-fleet';

/** The IoT policy of the claim certificate. */
export const claimPolicyName = 'tributary-fleet-claim';

/**
 * Client ids a device may use while it provisions by claim. Never a thing's own id (`sensor-…`), so whoever
 * holds the shared claim certificate cannot knock a provisioned device off with DUPLICATE_CLIENTID.
 */
export const claimClientIdPrefix = 'provisioning-';

/**
 * The claim certificate may do exactly what provisioning by claim needs: connect, then publish, subscribe
 * and receive on the CreateKeysAndCertificate and RegisterThing topics of the fleet's template.
 * https://docs.aws.amazon.com/iot/latest/developerguide/fleet-provision-api.html
 */
export function claimPolicyDocument(stack: Stack, templateName = fleetTemplateName) {
  const arn = (resource: 'client' | 'topic' | 'topicfilter', resourceName: string) =>
    stack.formatArn({ service: 'iot', resource, resourceName });
  const provisioningTopics = [
    '$aws/certificates/create/*',
    `$aws/provisioning-templates/${templateName}/provision/*`,
  ];
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: arn('client', `${claimClientIdPrefix}*`) },
      {
        Effect: 'Allow',
        Action: ['iot:Publish', 'iot:Receive'],
        Resource: provisioningTopics.map((topic) => arn('topic', topic)),
      },
      {
        Effect: 'Allow',
        Action: 'iot:Subscribe',
        Resource: provisioningTopics.map((topic) => arn('topicfilter', topic)),
      },
    ],
  };
}

/**
 * Turns registry events on for the account and region (UpdateEventConfigurations has no CloudFormation
 * resource), and off again when the stack is deleted. https://docs.aws.amazon.com/iot/latest/developerguide/iot-events.html
 */
function enableRegistryEvents(stack: Stack): cr.AwsCustomResource {
  const updateEventConfigurations = (enabled: boolean): cr.AwsSdkCall => ({
    service: 'Iot',
    action: 'updateEventConfigurations',
    parameters: { eventConfigurations: eventConfigurationsOf(tributaryEventTypes, enabled) },
    physicalResourceId: cr.PhysicalResourceId.of('tributary-registry-events'),
  });
  const registryEvents = new cr.AwsCustomResource(stack, 'RegistryEvents', {
    onCreate: updateEventConfigurations(true),
    onUpdate: updateEventConfigurations(true),
    onDelete: updateEventConfigurations(false),
    policy: cr.AwsCustomResourcePolicy.fromStatements([
      new iam.PolicyStatement({ actions: ['iot:UpdateEventConfigurations'], resources: ['*'] }),
    ]),
    installLatestAwsSdk: false,
    logGroup: new logs.LogGroup(stack, 'RegistryEventsLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    }),
  });
  acknowledge(registryEvents, {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'iot:UpdateEventConfigurations is an account-level setting with no resource-level permissions.',
  });
  const provider = stack.node.findChild(
    `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replaceAll('-', '')}`,
  );
  acknowledge(provider, {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      'The AWS-managed basic execution policy only lets the custom resource function write its own logs.',
  });
  return registryEvents;
}

export class DeviceRegistryStack extends StageStack<'ingest'> {
  /** Switches registry events on at deploy and off at deletion. */
  readonly registryEvents: cr.AwsCustomResource;
  /** The policy to attach to the claim certificate; its name is published as `claimPolicyName`. */
  readonly claimPolicy: iot.CfnPolicy;

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

    this.registryEvents = enableRegistryEvents(this);
    this.claimPolicy = new iot.CfnPolicy(this, 'ClaimPolicy', {
      policyName: claimPolicyName,
      policyDocument: claimPolicyDocument(this),
    });
    this.publish(parameters.ingest.claimPolicyName, this.claimPolicy.ref);

    new iot.CfnProvisioningTemplate(this, 'FleetProvisioningTemplate', {
      templateName: fleetTemplateName,
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
