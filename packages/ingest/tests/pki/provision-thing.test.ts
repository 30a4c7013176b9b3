// One-step onboarding like `aws iot create-thing` + `create-keys-and-certificate --set-as-active` +
// `attach-policy` + `attach-thing-principal` (create-iot-resources.html), writing the AWS console's file names.
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalCertificateAuthority } from '../../src/local/pki/certificate-authority.js';
import { CertificateRegistry } from '../../src/local/pki/certificate-registry.js';
import { DeviceKeyExistsError, provisionThing } from '../../src/local/provision-thing.js';
import { InvalidThingNameError, LocalRegistry } from '../../src/local/registry.js';

let dir: string;
let ca: LocalCertificateAuthority;
let things: LocalRegistry;
let certificates: CertificateRegistry;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'provision-'));
  ca = await LocalCertificateAuthority.loadOrCreate(join(dir, 'ca'));
});
afterEach(() => {
  things.close();
  certificates.close();
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function openRegistries(): Promise<void> {
  things = await LocalRegistry.open(':memory:');
  certificates = await CertificateRegistry.open(':memory:');
}

describe('provisionThing', () => {
  it('creates the thing and an ACTIVE certificate attached to it and to the policy', async () => {
    await openRegistries();
    await things.createThingType({ thingTypeName: 'pump' });
    const outDir = join(dir, 'out-1');
    const provisioned = await provisionThing({
      registry: things,
      ca,
      certificates,
      thingName: 'pump-7',
      thingTypeName: 'pump',
      attributes: { site: 'plant-a' },
      policyName: 'device-policy',
      outDir,
    });
    expect(await things.describeThing('pump-7')).toMatchObject({
      thingTypeName: 'pump',
      attributes: { site: 'plant-a' },
    });
    expect((await certificates.describeCertificate(provisioned.certificateId)).status).toBe('ACTIVE');
    expect(await certificates.listPrincipalThings(provisioned.certificateId)).toEqual(['pump-7']);
    expect(await certificates.listAttachedPolicies(provisioned.certificateId)).toEqual(['device-policy']);
    expect(provisioned).toEqual({
      thingName: 'pump-7',
      certificateId: provisioned.certificateId,
      certificatePath: join(outDir, 'pump-7.cert.pem'),
      privateKeyPath: join(outDir, 'pump-7.private.key'),
      rootCaPath: join(outDir, 'root-CA.pem'),
    });
  });

  it('writes <thing>.cert.pem (CN = thing name), a 0600 <thing>.private.key and root-CA.pem', async () => {
    await openRegistries();
    const provisioned = await provisionThing({
      registry: things,
      ca,
      certificates,
      thingName: 'pump-8',
      policyName: 'device-policy',
      outDir: join(dir, 'out-2'),
    });
    const certificate = new X509Certificate(await readFile(provisioned.certificatePath));
    expect(certificate.subject).toBe('CN=pump-8');
    expect(createHash('sha256').update(certificate.raw).digest('hex')).toBe(provisioned.certificateId);
    expect(await readFile(provisioned.rootCaPath, 'utf8')).toBe(ca.caCertificatePem);
    expect((await stat(provisioned.privateKeyPath)).mode & 0o777).toBe(0o600);
    expect(await readFile(provisioned.privateKeyPath, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('refuses to overwrite a device key already on disk, and registers nothing then', async () => {
    await openRegistries();
    const request = {
      registry: things,
      ca,
      certificates,
      thingName: 'pump-9',
      policyName: 'p',
      outDir: join(dir, 'out-3'),
    };
    await provisionThing(request);
    await expect(provisionThing(request)).rejects.toThrow(DeviceKeyExistsError);
    expect(await certificates.listCertificates()).toHaveLength(1);
  });

  it('refuses a thing name that could escape the output directory, before writing any file', async () => {
    await openRegistries();
    const outDir = join(dir, 'out-4');
    await expect(
      provisionThing({ registry: things, ca, certificates, thingName: '../escape', policyName: 'p', outDir }),
    ).rejects.toThrow(InvalidThingNameError);
    await expect(stat(outDir)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await certificates.listCertificates()).toEqual([]);
  });
});
