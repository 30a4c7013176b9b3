// The simulated fleet's things and certificates, onboarded through the running platform's IoT API with
// @aws-sdk/client-iot like any device (`tributary thing create` makes the same calls), and kept under
// <dataDir>/simulate/ so a later run of the same fleet reuses them instead of onboarding it again.
import type { IoTClient } from '@aws-sdk/client-iot';
import type { DevicePlan } from '@tributary/ingest';
import type { DeviceCredentials } from '@tributary/ingest/local';
import { mkdir, readFile } from 'node:fs/promises';
import { readDeviceFiles, writeDeviceFiles } from '../device-files.js';
import { localIotClient, onboardThing, type PlatformEndpoints } from './local-iot-api.js';

export const simulatedThingType = 'environment-sensor';

export interface ProvisionedFleet {
  /** Devices onboarded by this run; the others' certificates were already under the cache directory. */
  readonly provisioned: number;
  readonly credentialsFor: (thingName: string) => Promise<DeviceCredentials>;
}

/**
 * Makes sure every device has a thing (type environment-sensor, its site as an attribute) and an ACTIVE
 * certificate under the default device policy, onboarding the ones without cached files a few at a time.
 */
export async function provisionSimulatedFleet(
  devices: readonly DevicePlan[],
  endpoints: PlatformEndpoints,
  cacheDir: string,
  onProgress: (done: number, total: number) => void,
): Promise<ProvisionedFleet> {
  await mkdir(cacheDir, { recursive: true });
  const caCertificatePem = await readFile(endpoints.rootCaPath, 'utf8');
  const client = localIotClient(endpoints);
  const missing: DevicePlan[] = [];
  for (const device of devices) {
    if (!(await readDeviceFiles(cacheDir, device.thingName))) missing.push(device);
  }
  try {
    let done = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < missing.length) {
        await onboard(client, missing[next++]!, cacheDir);
        onProgress(++done, missing.length);
      }
    };
    // Each CreateKeysAndCertificate generates a key pair on the platform: a few at a time keep it responsive.
    await Promise.all(Array.from({ length: Math.min(4, missing.length) }, worker));
  } finally {
    client.destroy();
  }
  return {
    provisioned: missing.length,
    credentialsFor: async (thingName) => {
      const cached = await readDeviceFiles(cacheDir, thingName);
      if (!cached) throw new Error(`No certificate for ${thingName} under ${cacheDir}: run simulate again`);
      return { ...cached, caCertificatePem };
    },
  };
}

async function onboard(client: IoTClient, device: DevicePlan, cacheDir: string): Promise<void> {
  const onboarded = await onboardThing(client, {
    thingName: device.thingName,
    thingTypeName: simulatedThingType,
    attributes: { site: device.site, simulated: 'true' },
  });
  await writeDeviceFiles(cacheDir, device.thingName, onboarded);
}
