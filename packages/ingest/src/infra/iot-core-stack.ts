// IoT Core for the fleet: the thing type devices register as and the default device policy, under which
// a thing connects only as itself and publishes telemetry only on its own topic.
import * as iot from 'aws-cdk-lib/aws-iot';
import type { Construct } from 'constructs';
import { parameters, topics } from '@tributary/contracts';
import { StageStack, type StageStackProps } from '@tributary/contracts/cdk';

export const deviceThingTypeName = 'environment-sensor';

export class IoTCoreStack extends StageStack<'ingest'> {
  readonly devicePolicyName: string;

  constructor(scope: Construct, id: string, props: Omit<StageStackProps, 'stage'> = {}) {
    super(scope, id, { ...props, stage: 'ingest' });

    const thingType = new iot.CfnThingType(this, 'DeviceThingType', {
      thingTypeName: deviceThingTypeName,
      thingTypeProperties: {
        thingTypeDescription: 'A device that publishes telemetry readings',
        searchableAttributes: ['site'],
      },
    });

    const policy = new iot.CfnPolicy(this, 'DevicePolicy', {
      policyName: 'tributary-device',
      policyDocument: devicePolicyDocument(this.partition, this.region, this.account),
    });
    this.devicePolicyName = policy.ref;

    this.publish(parameters.ingest.telemetryTopicFilter, topics.telemetryFilter);
    this.publish(parameters.ingest.thingTypeName, thingType.ref);
    this.publish(parameters.ingest.devicePolicyName, policy.ref);
  }
}

/**
 * The default device policy. Policy variables are evaluated by IoT Core per connection: a certificate
 * attached to thing T may connect with client id T only (and only while attached), publish telemetry on
 * T's topic and use T's shadow.
 */
export function devicePolicyDocument(partition: string, region: string, account: string) {
  const arn = (resource: string) => `arn:${partition}:iot:${region}:${account}:${resource}`;
  const thing = '${iot:Connection.Thing.ThingName}';
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iot:Connect',
        Resource: arn(`client/${thing}`),
        Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
      },
      { Effect: 'Allow', Action: 'iot:Publish', Resource: arn(`topic/${topics.telemetry(thing)}`) },
      {
        Effect: 'Allow',
        Action: ['iot:Publish', 'iot:Receive'],
        Resource: arn(`topic/${topics.shadow(thing)}/*`),
      },
      { Effect: 'Allow', Action: 'iot:Subscribe', Resource: arn(`topicfilter/${topics.shadow(thing)}/*`) },
    ],
  };
}
