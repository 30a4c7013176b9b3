// The CA registry and the certificate registry's in-memory mirror, on a real DuckDB file: what the mTLS
// listener reads on every connect must match what is stored, after every write and after a restart
// (AWS IoT CA registry: https://docs.aws.amazon.com/iot/latest/developerguide/manage-your-CA-certs.html).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CaCertificateChange } from '../../src/local/pki/ca-certificate-registry.js';
import { LocalCertificateAuthority } from '../../src/local/pki/certificate-authority.js';
import {
  CertificateAlreadyExistsError,
  CertificateStateError,
  InvalidCertificateError,
} from '../../src/local/pki/certificate-errors.js';
import { CertificateRegistry } from '../../src/local/pki/certificate-registry.js';
import {
  createSelfSignedCa,
  generateKeyPair,
  signLeafCertificate,
} from '../../src/local/pki/x509-signing.js';

let dir: string;
let localCa: LocalCertificateAuthority;
let registry: CertificateRegistry;

const validity = () => ({
  notBefore: new Date(Date.now() - 3_600_000),
  notAfter: new Date(Date.now() + 86_400_000),
});

/** A second CA (its PEM) and a device certificate it signed. */
async function foreignCaWithDevice(name: string): Promise<{ caPem: string; devicePem: string }> {
  const caKeys = await generateKeyPair();
  const ca = await createSelfSignedCa(name, caKeys, validity());
  const deviceKeys = await generateKeyPair();
  const device = await signLeafCertificate({
    issuer: { certificate: ca, privateKey: caKeys.privateKey },
    commonName: `${name} device`,
    publicKey: deviceKeys.publicKey,
    validity: validity(),
    role: 'client',
  });
  return { caPem: ca.toString('pem'), devicePem: device.toString('pem') };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ca-registry-'));
  localCa = await LocalCertificateAuthority.loadOrCreate(join(dir, 'pki'));
  registry = await CertificateRegistry.open(join(dir, 'certificates.duckdb'));
});
afterEach(async () => {
  registry.close();
  await rm(dir, { recursive: true, force: true });
});

describe('certificate registry with CAs', () => {
  it('keeps CA statuses, each certificate’s CA and its attachments across a restart', async () => {
    await registry.caCertificates.ensureRegistered(localCa.caCertificatePem);
    const fleet = await foreignCaWithDevice('fleet CA');
    const fleetCa = await registry.caCertificates.registerCaCertificate({
      caCertificatePem: fleet.caPem,
      certificateMode: 'SNI_ONLY',
      setAsActive: true,
    });
    const device = await registry.registerCertificate({
      certificatePem: fleet.devicePem,
      caCertificatePem: fleet.caPem,
      status: 'ACTIVE',
    });
    await registry.attachThingPrincipal('sensor-1', device.certificateId);
    await registry.attachPolicy('device-policy', device.certificateId);
    await registry.caCertificates.updateCaCertificate(fleetCa.certificateId, { newStatus: 'INACTIVE' });
    registry.close();

    registry = await CertificateRegistry.open(join(dir, 'certificates.duckdb'));
    expect(registry.caCertificates.statusOf(fleetCa.certificateId)).toBe('INACTIVE');
    expect(registry.caCertificates.statusOf(localCa.caCertificateId)).toBe('ACTIVE');
    expect(registry.attachmentsOf(device.certificateId)).toEqual({
      status: 'ACTIVE',
      caCertificateId: fleetCa.certificateId,
      thingNames: ['sensor-1'],
      policyNames: ['device-policy'],
    });
    expect(await registry.listThingPrincipals('sensor-1')).toEqual([device.certificateId]);
    expect((await registry.describeCertificate(device.certificateId)).certificatePem).toBe(fleet.devicePem);
  });

  it('answers the connect path from memory that follows every write', async () => {
    await registry.caCertificates.ensureRegistered(localCa.caCertificatePem);
    const issued = await localCa.issueDeviceCertificate({ commonName: 'sensor-2' });
    const { certificateId } = await registry.registerCertificate({ certificatePem: issued.certificatePem });
    expect(registry.attachmentsOf(certificateId)).toEqual({
      status: 'INACTIVE',
      caCertificateId: localCa.caCertificateId,
      thingNames: [],
      policyNames: [],
    });
    await registry.updateCertificate(certificateId, 'ACTIVE');
    await registry.attachThingPrincipal('sensor-2', certificateId);
    await registry.attachThingPrincipal('sensor-2b', certificateId);
    await registry.detachThingPrincipal('sensor-2b', certificateId);
    expect(registry.attachmentsOf(certificateId)).toMatchObject({
      status: 'ACTIVE',
      thingNames: ['sensor-2'],
    });
    expect(await registry.listThingPrincipals('sensor-2b')).toEqual([]);
    expect(registry.attachmentsOf('0'.repeat(64))).toBeUndefined();
  });

  it('refuses the second of two concurrent registrations of one certificate as already registered', async () => {
    const issued = await localCa.issueDeviceCertificate({ commonName: 'sensor-3' });
    const outcomes = await Promise.allSettled([
      registry.registerCertificate({ certificatePem: issued.certificatePem }),
      registry.registerCertificate({ certificatePem: issued.certificatePem }),
    ]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = outcomes.find((outcome) => outcome.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(CertificateAlreadyExistsError);
    expect(await registry.listCertificates()).toHaveLength(1);
  });

  it('refuses a device certificate under a CA that is not registered or did not sign it', async () => {
    const fleet = await foreignCaWithDevice('fleet CA');
    const other = await foreignCaWithDevice('other CA');
    await expect(
      registry.registerCertificate({ certificatePem: fleet.devicePem, caCertificatePem: fleet.caPem }),
    ).rejects.toBeInstanceOf(InvalidCertificateError);
    await registry.caCertificates.registerCaCertificate({
      caCertificatePem: other.caPem,
      certificateMode: 'SNI_ONLY',
    });
    await expect(
      registry.registerCertificate({ certificatePem: fleet.devicePem, caCertificatePem: other.caPem }),
    ).rejects.toBeInstanceOf(InvalidCertificateError);
    expect(await registry.listCertificates()).toEqual([]);
  });

  it('tells listeners about CA status changes and deletions, and deletes only INACTIVE CAs', async () => {
    const changes: CaCertificateChange[] = [];
    registry.caCertificates.onChange((change) => changes.push(change));
    const fleet = await foreignCaWithDevice('fleet CA');
    const { certificateId } = await registry.caCertificates.registerCaCertificate({
      caCertificatePem: fleet.caPem,
      certificateMode: 'SNI_ONLY',
      setAsActive: true,
    });
    await expect(registry.caCertificates.deleteCaCertificate(certificateId)).rejects.toBeInstanceOf(
      CertificateStateError,
    );
    await registry.caCertificates.updateCaCertificate(certificateId, { newStatus: 'INACTIVE' });
    await registry.caCertificates.deleteCaCertificate(certificateId);
    expect(changes).toEqual([
      { certificateId, previousStatus: undefined, status: 'ACTIVE' },
      { certificateId, previousStatus: 'ACTIVE', status: 'INACTIVE' },
      { certificateId, previousStatus: 'INACTIVE', status: undefined },
    ]);
    expect(registry.caCertificates.listCaCertificates()).toEqual([]);
    expect(registry.caCertificates.registeredCertificatePems()).toEqual([]);
  });
});
