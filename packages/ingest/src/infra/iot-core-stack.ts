// IoT Core for the fleet: the thing type devices register as and the default device policy, under which
// a thing connects only as itself and publishes telemetry only on its own topic.
import * as iot from 'aws-cdk-lib/aws-iot';
import type { Construct } from 'constructs';
import { parameters, topics } from '@tributary/contracts';
import { StageStack, type StageStackProps } from '@tributary/contracts/cdk';
import { devicePolicyDocument, devicePolicyName } from '../core/device-policy.js';

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
      policyName: devicePolicyName,
      policyDocument: devicePolicyDocument(this.partition, this.region, this.account),
    });
    this.devicePolicyName = policy.ref;

    this.publish(parameters.ingest.telemetryTopicFilter, topics.telemetryFilter);
    this.publish(parameters.ingest.thingTypeName, thingType.ref);
    this.publish(parameters.ingest.devicePolicyName, policy.ref);
  }
}
