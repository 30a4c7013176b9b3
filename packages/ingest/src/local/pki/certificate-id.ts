// The AWS IoT certificate id: the SHA-256 of the DER-encoded certificate, as 64 lowercase hex characters
// (https://docs.aws.amazon.com/iot/latest/developerguide/x509-client-certs.html; the same value `principal()`
// returns in IoT SQL for certificate-authenticated clients).
import { createHash, X509Certificate } from 'node:crypto';
import { InvalidCertificateError } from './certificate-errors.js';

export function certificateIdOfDer(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

export function certificateIdOf(certificatePem: string): string {
  return certificateIdOfDer(parseCertificatePem(certificatePem).raw);
}

export function parseCertificatePem(certificatePem: string): X509Certificate {
  try {
    return new X509Certificate(certificatePem);
  } catch (error) {
    throw new InvalidCertificateError(error instanceof Error ? error.message : String(error));
  }
}
