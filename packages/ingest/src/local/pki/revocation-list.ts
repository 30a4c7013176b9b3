// Keeps `crl.pem` beside the CA current: written at start and again whenever a certificate is revoked,
// one write at a time, so a TLS terminator or gateway in front of devices can check revocation itself.
import type { Logger } from '@tributary/contracts';
import type { LocalCertificateAuthority } from './certificate-authority.js';
import type { CertificateRegistry } from './certificate-registry.js';

export async function keepRevocationListCurrent(
  ca: LocalCertificateAuthority,
  certificates: CertificateRegistry,
  logger: Logger,
): Promise<() => Promise<void>> {
  const write = async () => {
    const revoked = [];
    for (const summary of await certificates.listCertificates()) {
      if (summary.status !== 'REVOKED') continue;
      const { certificatePem } = await certificates.describeCertificate(summary.certificateId);
      revoked.push({ certificatePem, revokedAt: summary.lastModifiedAt });
    }
    await ca.writeRevocationList(revoked);
  };
  await write();
  let writing = Promise.resolve();
  const stop = certificates.onStatusChange((change) => {
    if (change.status !== 'REVOKED') return;
    writing = writing
      .then(write)
      .catch((error: unknown) => logger.error('certificate revocation list not rewritten', { error }));
  });
  return async () => {
    stop();
    await writing;
  };
}
