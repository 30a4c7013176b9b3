// The simulated devices' certificates: provisioned on the platform's first start like any device
// (thing, certificate, default device policy), kept under the data directory, reused on later starts.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { devicePolicyName } from '@tributary/ingest';
import {
  provisionThing,
  type DeviceCredentials,
  type LocalIotCore,
  type LocalRegistry,
} from '@tributary/ingest/local';

export function simulatedDeviceCredentials(
  core: LocalIotCore,
  registry: LocalRegistry,
  devicesDir: string,
): (thingName: string) => Promise<DeviceCredentials> {
  return async (thingName) => {
    const certificatePath = join(devicesDir, `${thingName}.cert.pem`);
    const privateKeyPath = join(devicesDir, `${thingName}.private.key`);
    const existing = await readCredentials(certificatePath, privateKeyPath);
    if (existing) return { ...existing, caCertificatePem: core.ca.caCertificatePem };
    const thing = await registry.describeThing(thingName);
    const provisioned = await provisionThing({
      registry,
      ca: core.ca,
      certificates: core.certificates,
      thingName,
      thingTypeName: thing?.thingTypeName ?? undefined,
      attributes: thing?.attributes,
      policyName: devicePolicyName,
      outDir: devicesDir,
    });
    const created = await readCredentials(provisioned.certificatePath, provisioned.privateKeyPath);
    if (!created) throw new Error(`Provisioned ${thingName} but cannot read its files in ${devicesDir}`);
    return { ...created, caCertificatePem: core.ca.caCertificatePem };
  };
}

async function readCredentials(
  certificatePath: string,
  privateKeyPath: string,
): Promise<{ certificatePem: string; privateKeyPem: string } | undefined> {
  try {
    return {
      certificatePem: await readFile(certificatePath, 'utf8'),
      privateKeyPem: await readFile(privateKeyPath, 'utf8'),
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
