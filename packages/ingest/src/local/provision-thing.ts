// One-step device onboarding, the local equivalent of `aws iot create-thing`,
// `create-keys-and-certificate --set-as-active`, `attach-policy` and `attach-thing-principal`
// (https://docs.aws.amazon.com/iot/latest/developerguide/create-iot-resources.html). The files written use
// the names of the AWS console's download so device code and docs written for AWS work unchanged.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalCertificateAuthority } from './pki/certificate-authority.js';
import type { CertificateRegistry } from './pki/certificate-registry.js';
import type { LocalRegistry } from './registry.js';

export interface ProvisionThingRequest {
  readonly registry: LocalRegistry;
  readonly ca: LocalCertificateAuthority;
  readonly certificates: CertificateRegistry;
  readonly thingName: string;
  readonly thingTypeName?: string;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly policyName: string;
  /** Where the device's files go; created if missing. */
  readonly outDir: string;
}

export interface ProvisionedThing {
  readonly thingName: string;
  readonly certificateId: string;
  /** `<outDir>/<thing>.cert.pem` */
  readonly certificatePath: string;
  /** `<outDir>/<thing>.private.key`, mode 0600 */
  readonly privateKeyPath: string;
  /** `<outDir>/root-CA.pem`: the local CA the device must trust for the endpoint */
  readonly rootCaPath: string;
}

export async function provisionThing(request: ProvisionThingRequest): Promise<ProvisionedThing> {
  const { thingName, certificates, outDir } = request;
  // First, so an invalid or conflicting thing name fails before any key material exists.
  await request.registry.createThing({
    thingName,
    thingTypeName: request.thingTypeName,
    attributes: request.attributes,
  });
  const issued = await request.ca.issueDeviceCertificate({ commonName: thingName });
  const provisioned: ProvisionedThing = {
    thingName,
    certificateId: issued.certificateId,
    certificatePath: join(outDir, `${thingName}.cert.pem`),
    privateKeyPath: join(outDir, `${thingName}.private.key`),
    rootCaPath: join(outDir, 'root-CA.pem'),
  };
  // The files go before the registration, so a refusal to overwrite leaves no orphan ACTIVE certificate.
  await mkdir(outDir, { recursive: true });
  await writeNewPrivateKey(provisioned.privateKeyPath, issued.privateKeyPem);
  await writeFile(provisioned.certificatePath, issued.certificatePem);
  await writeFile(provisioned.rootCaPath, request.ca.caCertificatePem);

  await certificates.registerCertificate({ certificatePem: issued.certificatePem, status: 'ACTIVE' });
  await certificates.attachPolicy(request.policyName, issued.certificateId);
  await certificates.attachThingPrincipal(thingName, issued.certificateId);
  return provisioned;
}

/** Never overwrite a key a device may already hold: its certificate would stop matching. */
async function writeNewPrivateKey(path: string, privateKeyPem: string): Promise<void> {
  try {
    await writeFile(path, privateKeyPem, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new DeviceKeyExistsError(path);
    throw error;
  }
}

export class DeviceKeyExistsError extends Error {
  readonly code = 'RESOURCE_ALREADY_EXISTS';
  constructor(readonly privateKeyPath: string) {
    super(
      `${privateKeyPath} already exists: provision into another outDir, or move the old key away ` +
        `(and set its certificate INACTIVE) if the device is being re-keyed`,
    );
  }
}
