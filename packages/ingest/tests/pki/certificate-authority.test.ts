// The local CA stands in for the Amazon Root CA and AWS-generated device certificates
// (x509-client-certs.html, device-certs-create.html).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtemp, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalCertificateAuthority } from '../../src/local/pki/certificate-authority.js';
import { IncompleteKeyPairError } from '../../src/local/pki/certificate-errors.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'local-ca-'));
  dirs.push(dir);
  return dir;
}

describe('local certificate authority', () => {
  it('creates the CA and server certificate once and loads the same ones on later starts', async () => {
    const dir = await tempDir();
    const first = await LocalCertificateAuthority.loadOrCreate(dir);
    const second = await LocalCertificateAuthority.loadOrCreate(dir);
    expect(second.caCertificateId).toBe(first.caCertificateId);
    expect(new X509Certificate(second.caCertificatePem).fingerprint256).toBe(
      new X509Certificate(first.caCertificatePem).fingerprint256,
    );
    expect(second.serverCertificatePem).toBe(first.serverCertificatePem);
    expect(second.serverPrivateKeyPem).toBe(first.serverPrivateKeyPem);
  });

  it('writes private keys readable by the owner only (0600)', async () => {
    const dir = await tempDir();
    await LocalCertificateAuthority.loadOrCreate(dir);
    for (const keyFile of ['ca.private.key', 'server.private.key']) {
      expect((await stat(join(dir, keyFile))).mode & 0o777).toBe(0o600);
    }
  });

  it('makes a 10-year CA named "tributary local CA" that may sign certificates and nothing else', async () => {
    const ca = await LocalCertificateAuthority.loadOrCreate(await tempDir());
    const certificate = new X509Certificate(ca.caCertificatePem);
    expect(certificate.subject).toBe('CN=tributary local CA');
    expect(certificate.ca).toBe(true);
    const keyUsage = new x509.X509Certificate(ca.caCertificatePem).getExtension(x509.KeyUsagesExtension);
    expect(keyUsage?.usages).toBe(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
    const years =
      (Date.parse(certificate.validTo) - Date.parse(certificate.validFrom)) / (365.25 * 86_400_000);
    expect(years).toBeCloseTo(10, 1);
    expect(certificate.checkIssued(certificate)).toBe(true);
  });

  it('signs a server certificate for 127.0.0.1, ::1 and localhost', async () => {
    const ca = await LocalCertificateAuthority.loadOrCreate(await tempDir());
    const server = new X509Certificate(ca.serverCertificatePem);
    expect(server.verify(new X509Certificate(ca.caCertificatePem).publicKey)).toBe(true);
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkIP('::1')).toBeDefined();
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.ca).toBe(false);
  });

  it('issues device certificates whose id is the SHA-256 of the DER certificate (x509-client-certs.html)', async () => {
    const ca = await LocalCertificateAuthority.loadOrCreate(await tempDir());
    const issued = await ca.issueDeviceCertificate({ commonName: 'pump-7' });
    const certificate = new X509Certificate(issued.certificatePem);
    expect(issued.certificateId).toMatch(/^[0-9a-f]{64}$/);
    expect(issued.certificateId).toBe(createHash('sha256').update(certificate.raw).digest('hex'));
    expect(certificate.subject).toBe('CN=pump-7');
    expect(certificate.verify(new X509Certificate(ca.caCertificatePem).publicKey)).toBe(true);
    expect(certificate.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']); // TLS client authentication
    expect(certificate.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(issued.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(issued.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });

  it('honours notBefore and validityDays, so tests and audits can make expired and future certificates', async () => {
    const ca = await LocalCertificateAuthority.loadOrCreate(await tempDir());
    const notBefore = new Date('2030-01-01T00:00:00Z');
    const issued = await ca.issueDeviceCertificate({ commonName: 'pump-7', notBefore, validityDays: 2 });
    const certificate = new X509Certificate(issued.certificatePem);
    expect(new Date(certificate.validFrom).toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(new Date(certificate.validTo).toISOString()).toBe('2030-01-03T00:00:00.000Z');
  });

  it('refuses to start when a certificate has lost its key, rather than replacing the CA devices trust', async () => {
    const dir = await tempDir();
    await LocalCertificateAuthority.loadOrCreate(dir);
    await unlink(join(dir, 'ca.private.key'));
    await expect(LocalCertificateAuthority.loadOrCreate(dir)).rejects.toThrow(IncompleteKeyPairError);
  });
});
