// Keeps `crl.pem` beside the CA current: written at start, again whenever a certificate is revoked, and
// every day, one write at a time, so a TLS terminator or gateway in front of devices can check revocation
// itself — a CRL is valid a week, and one left past its nextUpdate fails every check made against it.
// A revoked certificate stays listed after DeleteCertificate.
import type { Logger } from '@tributary/contracts';
import type { LocalCertificateAuthority } from './certificate-authority.js';
import type { CertificateRegistry } from './certificate-registry.js';

export interface RevocationListOptions {
  /** How often the list is signed again, revocation or not; well within its week. @default one day */
  readonly refreshEveryMs?: number;
}

export async function keepRevocationListCurrent(
  ca: LocalCertificateAuthority,
  certificates: CertificateRegistry,
  logger: Logger,
  options: RevocationListOptions = {},
): Promise<() => Promise<void>> {
  const write = async () => {
    await ca.writeRevocationList(await certificates.revokedCertificates());
  };
  await write();
  let writing = Promise.resolve();
  const rewrite = () => {
    writing = writing
      .then(write)
      .catch((error: unknown) => logger.error('certificate revocation list not rewritten', { error }));
  };
  const stop = certificates.onStatusChange((change) => {
    if (change.status === 'REVOKED') rewrite();
  });
  const refresh = setInterval(rewrite, options.refreshEveryMs ?? 86_400_000);
  // Stopped by the returned function; the timer alone must not keep a finished process alive.
  refresh.unref();
  return async () => {
    stop();
    clearInterval(refresh);
    await writing;
  };
}
