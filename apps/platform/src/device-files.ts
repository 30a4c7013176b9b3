// A device's certificate and private key on disk, named as the AWS console's download names them
// (`<thing>.cert.pem`, `<thing>.private.key`), read back by the simulators on later runs.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface DeviceKeyPair {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

export const certificatePathOf = (dir: string, thingName: string) => join(dir, `${thingName}.cert.pem`);
export const privateKeyPathOf = (dir: string, thingName: string) => join(dir, `${thingName}.private.key`);

/** The key first and never over an existing one: a certificate without its key would read as a device. */
export async function writeDeviceFiles(dir: string, thingName: string, files: DeviceKeyPair): Promise<void> {
  await writeFile(privateKeyPathOf(dir, thingName), files.privateKeyPem, { mode: 0o600, flag: 'wx' });
  await writeFile(certificatePathOf(dir, thingName), files.certificatePem);
}

export async function readDeviceFiles(dir: string, thingName: string): Promise<DeviceKeyPair | undefined> {
  try {
    return {
      privateKeyPem: await readFile(privateKeyPathOf(dir, thingName), 'utf8'),
      certificatePem: await readFile(certificatePathOf(dir, thingName), 'utf8'),
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
