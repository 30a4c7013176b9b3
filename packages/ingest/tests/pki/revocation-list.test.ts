// The certificate revocation list the local CA keeps beside itself (iot/pki/crl.pem): signed by the CA,
// rewritten when a certificate is revoked through the IoT API and every day (it is valid a week), still
// naming a revoked certificate once DeleteCertificate removed it, and read as such by OpenSSL.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import * as iot from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@tributary/contracts';
import { LocalCertificateAuthority } from '../../src/local/pki/certificate-authority.js';
import { CertificateRegistry } from '../../src/local/pki/certificate-registry.js';
import { keepRevocationListCurrent } from '../../src/local/pki/revocation-list.js';
import { startLocalIotCoreFixture, type LocalIotCoreFixture } from '../local-iot-core-fixture.js';

let fixture: LocalIotCoreFixture;
beforeAll(async () => (fixture = await startLocalIotCoreFixture()));
afterAll(() => fixture.close());

const crlPath = () => join(fixture.core.ca.directory, 'crl.pem');
const readCrl = async () => new x509.X509Crl(await readFile(crlPath(), 'utf8'));
const certificateIdOf = (arn: string) => arn.split('/').pop() ?? '';

describe('the local CA’s certificate revocation list', () => {
  it('is signed by the CA and lists no certificate before any is revoked', async () => {
    const crl = await readCrl();
    const ca = new x509.X509Certificate(fixture.caCertificatePem);
    expect(crl.issuer).toBe(ca.subject);
    expect(await crl.verify({ publicKey: await ca.publicKey.export() })).toBe(true);
    expect(crl.entries).toHaveLength(0);
    expect(crl.nextUpdate!.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
  });

  it('lists a certificate once it is revoked, and OpenSSL then refuses that certificate against it', async () => {
    const kept = await fixture.provision('crl-kept');
    const revoked = await fixture.provision('crl-revoked');
    await fixture.client.send(
      new iot.UpdateCertificateCommand({
        certificateId: certificateIdOf(revoked.certificateArn),
        newStatus: 'REVOKED',
      }),
    );
    const serial = new x509.X509Certificate(revoked.certificatePem).serialNumber;
    await expect.poll(async () => (await readCrl()).entries.map((e) => e.serialNumber)).toEqual([serial]);

    const dir = fixture.core.ca.directory;
    await writeFile(join(dir, 'kept.pem'), kept.certificatePem);
    await writeFile(join(dir, 'revoked.pem'), revoked.certificatePem);
    const verify = (certificate: string) => {
      try {
        return execFileSync(
          'openssl',
          [
            'verify',
            '-crl_check',
            '-CAfile',
            join(dir, 'ca.cert.pem'),
            '-CRLfile',
            crlPath(),
            join(dir, certificate),
          ],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
        );
      } catch (error) {
        return (
          String((error as { stdout?: string; stderr?: string }).stdout) +
          String((error as { stderr?: string }).stderr)
        );
      }
    };
    expect(verify('kept.pem')).toMatch(/kept\.pem: OK/);
    expect(verify('revoked.pem')).toMatch(/certificate revoked/);
  });

  it('keeps listing a revoked certificate after DeleteCertificate, so a gateway still refuses it', async () => {
    const revokeThroughApi = async (thingName: string) => {
      const device = await fixture.provision(thingName);
      const certificateId = certificateIdOf(device.certificateArn);
      await fixture.client.send(new iot.UpdateCertificateCommand({ certificateId, newStatus: 'REVOKED' }));
      return {
        ...device,
        certificateId,
        serial: new x509.X509Certificate(device.certificatePem).serialNumber,
      };
    };
    const deleted = await revokeThroughApi('crl-deleted');
    await fixture.client.send(
      new iot.DetachThingPrincipalCommand({ thingName: 'crl-deleted', principal: deleted.certificateArn }),
    );
    await fixture.client.send(
      new iot.DeleteCertificateCommand({ certificateId: deleted.certificateId, forceDelete: true }),
    );
    // The next revocation signs the list again, from what the registry holds after the deletion.
    const later = await revokeThroughApi('crl-revoked-later');
    await expect
      .poll(async () => (await readCrl()).entries.map((e) => e.serialNumber))
      .toContain(later.serial);
    expect((await readCrl()).entries.map((e) => e.serialNumber)).toContain(deleted.serial);
  });

  it('is signed again on its schedule with no revocation, so it never goes past its nextUpdate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tributary-crl-'));
    const ca = await LocalCertificateAuthority.loadOrCreate(join(dir, 'pki'));
    const certificates = await CertificateRegistry.open(join(dir, 'certificates.duckdb'));
    const stop = await keepRevocationListCurrent(ca, certificates, silentLogger, { refreshEveryMs: 1_500 });
    try {
      const path = join(ca.directory, 'crl.pem');
      const first = new x509.X509Crl(await readFile(path, 'utf8'));
      // CRL times are whole seconds: the next signing carries a later thisUpdate and nextUpdate.
      await expect
        .poll(async () => new x509.X509Crl(await readFile(path, 'utf8')).nextUpdate!.getTime(), {
          timeout: 10_000,
          interval: 250,
        })
        .toBeGreaterThan(first.nextUpdate!.getTime());
    } finally {
      await stop();
      certificates.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
