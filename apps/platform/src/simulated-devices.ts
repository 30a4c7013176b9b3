// The simulated devices' certificates: provisioned on the platform's first start like any device
// (thing, certificate, default device policy), kept under the data directory, reused on later starts.
import { devicePolicyName } from '@tributary/ingest';
import {
  provisionThing,
  type DeviceCredentials,
  type LocalIotCore,
  type LocalRegistry,
} from '@tributary/ingest/local';
import { readDeviceFiles } from './device-files.js';

export function simulatedDeviceCredentials(
  core: LocalIotCore,
  registry: LocalRegistry,
  devicesDir: string,
): (thingName: string) => Promise<DeviceCredentials> {
  return async (thingName) => {
    const existing = await readDeviceFiles(devicesDir, thingName);
    if (existing) return { ...existing, caCertificatePem: core.ca.caCertificatePem };
    const thing = await registry.describeThing(thingName);
    await provisionThing({
      registry,
      ca: core.ca,
      certificates: core.certificates,
      thingName,
      thingTypeName: thing?.thingTypeName ?? undefined,
      attributes: thing?.attributes,
      policyName: devicePolicyName,
      outDir: devicesDir,
    });
    const created = await readDeviceFiles(devicesDir, thingName);
    if (!created) throw new Error(`Provisioned ${thingName} but cannot read its files in ${devicesDir}`);
    return { ...created, caCertificatePem: core.ca.caCertificatePem };
  };
}
