// The certificate store follows the AWS IoT API: RegisterCertificate, DescribeCertificate, UpdateCertificate
// (https://docs.aws.amazon.com/iot/latest/apireference/API_UpdateCertificate.html), DeleteCertificate
// (https://docs.aws.amazon.com/iot/latest/apireference/API_DeleteCertificate.html), AttachThingPrincipal,
// AttachPolicy, DetachPolicy, ListPrincipalThings, ListAttachedPolicies.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  LocalCertificateAuthority,
  type IssuedDeviceCertificate,
} from '../../src/local/pki/certificate-authority.js';
import {
  CertificateAlreadyExistsError,
  CertificateNotFoundError,
  CertificateStateError,
  InvalidCertificateError,
  InvalidCertificateStatusError,
} from '../../src/local/pki/certificate-errors.js';
import {
  CertificateRegistry,
  type CertificateStatusChange,
} from '../../src/local/pki/certificate-registry.js';

const dirs: string[] = [];

/** A certificate database path in a fresh directory, removed after the tests. */
async function registryFileIn(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return join(dir, 'certificates.duckdb');
}
let ca: LocalCertificateAuthority;
let registry: CertificateRegistry | undefined;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cert-registry-'));
  dirs.push(dir);
  ca = await LocalCertificateAuthority.loadOrCreate(join(dir, 'ca'));
});
afterEach(() => {
  registry?.close();
  registry = undefined;
});
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function openInMemory(): Promise<CertificateRegistry> {
  registry = await CertificateRegistry.open(':memory:');
  return registry;
}

async function deviceCertificate(): Promise<IssuedDeviceCertificate> {
  return ca.issueDeviceCertificate({ commonName: 'pump-7' });
}

/** A registry on a file holding one certificate registered ACTIVE and then REVOKED, still open. */
async function revokedCertificateOnFile(prefix: string) {
  const path = await registryFileIn(prefix);
  const device = await deviceCertificate();
  const first = await CertificateRegistry.open(path);
  await first.registerCertificate({ certificatePem: device.certificatePem, status: 'ACTIVE' });
  await first.updateCertificate(device.certificateId, 'REVOKED');
  return { path, device, first };
}

describe('certificate registry', () => {
  it('registers a certificate under its SHA-256 id, INACTIVE unless told otherwise, as AWS RegisterCertificate', async () => {
    const certificates = await openInMemory();
    const device = await deviceCertificate();
    const registered = await certificates.registerCertificate({ certificatePem: device.certificatePem });
    expect(registered).toMatchObject({ certificateId: device.certificateId, status: 'INACTIVE' });
    expect(await certificates.describeCertificate(device.certificateId)).toMatchObject({
      certificateId: device.certificateId,
      certificatePem: device.certificatePem,
      status: 'INACTIVE',
    });
    expect((await certificates.listCertificates()).map((c) => c.certificateId)).toEqual([
      device.certificateId,
    ]);
  });

  it('refuses to register the same certificate twice, and refuses input that is not a certificate', async () => {
    const certificates = await openInMemory();
    const device = await deviceCertificate();
    await certificates.registerCertificate({ certificatePem: device.certificatePem, status: 'ACTIVE' });
    await expect(certificates.registerCertificate({ certificatePem: device.certificatePem })).rejects.toThrow(
      CertificateAlreadyExistsError,
    );
    await expect(certificates.registerCertificate({ certificatePem: device.privateKeyPem })).rejects.toThrow(
      InvalidCertificateError,
    );
  });

  it('answers an unknown id with ResourceNotFound naming how to fix it', async () => {
    const certificates = await openInMemory();
    const unknownId = 'ab'.repeat(32);
    const failure = certificates.describeCertificate(unknownId);
    await expect(failure).rejects.toThrow(CertificateNotFoundError);
    await expect(failure).rejects.toMatchObject({ code: 'RESOURCE_NOT_FOUND' });
    await expect(failure).rejects.toThrow(/registerCertificate/);
    await expect(certificates.updateCertificate(unknownId, 'ACTIVE')).rejects.toThrow(
      CertificateNotFoundError,
    );
    await expect(certificates.attachThingPrincipal('pump-7', unknownId)).rejects.toThrow(
      CertificateNotFoundError,
    );
  });

  it('moves between ACTIVE and INACTIVE and tells listeners after each change (UpdateCertificate)', async () => {
    const certificates = await openInMemory();
    const device = await deviceCertificate();
    await certificates.registerCertificate({ certificatePem: device.certificatePem, status: 'ACTIVE' });
    const changes: CertificateStatusChange[] = [];
    const stop = certificates.onStatusChange((change) => changes.push(change));
    await certificates.updateCertificate(device.certificateId, 'INACTIVE');
    await certificates.updateCertificate(device.certificateId, 'INACTIVE'); // no change, no event
    await certificates.updateCertificate(device.certificateId.toUpperCase(), 'ACTIVE');
    stop();
    await certificates.updateCertificate(device.certificateId, 'INACTIVE');
    expect(changes).toEqual([
      { certificateId: device.certificateId, previousStatus: 'ACTIVE', status: 'INACTIVE' },
      { certificateId: device.certificateId, previousStatus: 'INACTIVE', status: 'ACTIVE' },
    ]);
    expect((await certificates.describeCertificate(device.certificateId)).status).toBe('INACTIVE');
  });

  it('keeps REVOKED final: it cannot go back to ACTIVE or INACTIVE (UpdateCertificate, CertificateStateException)', async () => {
    const certificates = await openInMemory();
    const device = await deviceCertificate();
    await certificates.registerCertificate({ certificatePem: device.certificatePem, status: 'ACTIVE' });
    await certificates.updateCertificate(device.certificateId, 'REVOKED');
    for (const status of ['ACTIVE', 'INACTIVE'] as const) {
      const failure = certificates.updateCertificate(device.certificateId, status);
      await expect(failure).rejects.toThrow(CertificateStateError);
      await expect(failure).rejects.toMatchObject({ code: 'CERTIFICATE_STATE' });
    }
    expect((await certificates.describeCertificate(device.certificateId)).status).toBe('REVOKED');
  });

  it('refuses a status outside ACTIVE, INACTIVE and REVOKED', async () => {
    const certificates = await openInMemory();
    const device = await deviceCertificate();
    await certificates.registerCertificate({ certificatePem: device.certificatePem });
    // A CLI passes strings; the type system does not guard that path.
    await expect(certificates.updateCertificate(device.certificateId, 'DELETED' as 'ACTIVE')).rejects.toThrow(
      InvalidCertificateStatusError,
    );
  });

  it('attaches things and policies idempotently and detaches things (AttachThingPrincipal, AttachPolicy)', async () => {
    const certificates = await openInMemory();
    const device = await deviceCertificate();
    await certificates.registerCertificate({ certificatePem: device.certificatePem, status: 'ACTIVE' });
    await certificates.attachThingPrincipal('pump-7', device.certificateId);
    await certificates.attachThingPrincipal('pump-7', device.certificateId);
    await certificates.attachThingPrincipal('pump-8', device.certificateId);
    await certificates.attachPolicy('device-policy', device.certificateId);
    await certificates.attachPolicy('device-policy', device.certificateId);
    expect(await certificates.listPrincipalThings(device.certificateId)).toEqual(['pump-7', 'pump-8']);
    expect(await certificates.listAttachedPolicies(device.certificateId)).toEqual(['device-policy']);
    await certificates.detachThingPrincipal('pump-8', device.certificateId);
    await certificates.detachThingPrincipal('pump-8', device.certificateId);
    expect(await certificates.listPrincipalThings(device.certificateId)).toEqual(['pump-7']);
  });

  it('keeps certificates, statuses and attachments across a restart', async () => {
    const { path, device, first } = await revokedCertificateOnFile('cert-registry-file-');
    await first.attachThingPrincipal('pump-7', device.certificateId);
    await first.attachPolicy('device-policy', device.certificateId);
    const before = await first.describeCertificate(device.certificateId);
    first.close();

    registry = await CertificateRegistry.open(path);
    expect(await registry.describeCertificate(device.certificateId)).toEqual(before);
    expect(before.status).toBe('REVOKED');
    expect(await registry.listPrincipalThings(device.certificateId)).toEqual(['pump-7']);
    expect(await registry.listAttachedPolicies(device.certificateId)).toEqual(['device-policy']);
  });

  it('forgets a deleted certificate and its attachments across a restart (DeleteCertificate)', async () => {
    const path = await registryFileIn('cert-registry-delete-');
    const kept = await deviceCertificate();
    const deleted = await ca.issueDeviceCertificate({ commonName: 'pump-9' });
    const first = await CertificateRegistry.open(path);
    for (const device of [kept, deleted]) {
      await first.registerCertificate({ certificatePem: device.certificatePem, status: 'INACTIVE' });
      await first.attachPolicy('device-policy', device.certificateId);
    }
    await first.deleteCertificate(deleted.certificateId, { forceDelete: true });
    first.close();

    const reopened = await CertificateRegistry.open(path);
    await expect(reopened.describeCertificate(deleted.certificateId)).rejects.toThrow(
      CertificateNotFoundError,
    );
    expect((await reopened.listCertificates()).map((c) => c.certificateId)).toEqual([kept.certificateId]);
    expect(reopened.certificatesWithPolicy('device-policy')).toEqual([kept.certificateId]);
    // Registered again, it starts with no policy once more: the forced detach was stored, not only mirrored.
    await reopened.registerCertificate({ certificatePem: deleted.certificatePem });
    reopened.close();
    registry = await CertificateRegistry.open(path);
    expect(await registry.listAttachedPolicies(deleted.certificateId)).toEqual([]);
  });

  it('still lists a deleted REVOKED certificate for the revocation list, after a restart too', async () => {
    const { path, device, first } = await revokedCertificateOnFile('cert-registry-revoked-');
    const { lastModifiedAt: revokedAt } = await first.describeCertificate(device.certificateId);
    await first.deleteCertificate(device.certificateId);
    first.close();

    registry = await CertificateRegistry.open(path);
    await expect(registry.describeCertificate(device.certificateId)).rejects.toThrow(
      CertificateNotFoundError,
    );
    expect(await registry.revokedCertificates()).toEqual([
      { certificatePem: device.certificatePem, revokedAt },
    ]);
  });
});
