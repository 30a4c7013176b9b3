// The Ingest stage on AWS: its stacks, in the order they deploy.
import type { Construct } from 'constructs';
import type { StageStackProps } from '@tributary/contracts/cdk';
import { DeviceRegistryStack } from './device-registry-stack.js';
import { IoTCoreStack } from './iot-core-stack.js';

export interface IngestStage {
  readonly iotCore: IoTCoreStack;
  readonly deviceRegistry: DeviceRegistryStack;
}

export function defineIngestStage(scope: Construct, props: Omit<StageStackProps, 'stage'> = {}): IngestStage {
  const iotCore = new IoTCoreStack(scope, 'IoTCoreStack', props);
  const deviceRegistry = new DeviceRegistryStack(scope, 'DeviceRegistryStack', props);
  // The registry's provisioning template names the thing type and policy IoTCoreStack publishes.
  deviceRegistry.addStackDependency(iotCore);
  return { iotCore, deviceRegistry };
}
