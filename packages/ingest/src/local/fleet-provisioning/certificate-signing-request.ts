// Reads the CSR of CreateCertificateFromCsr: a PEM PKCS#10 request whose signature must verify (proof the
// device holds the private key) and whose key AWS accepts — EC P-256/P-384/P-521 or RSA of 2048 bits or
// more (fleet-provision-api.html#create-cert-csr, create-device-cert.html).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

export interface CertificateSigningRequest {
  /** The subject's common name, or AWS's default for certificates it issues. */
  readonly commonName: string;
  readonly publicKey: webcrypto.CryptoKey;
}

export class InvalidCsrError extends Error {
  readonly code = 'INVALID_CSR';
}

const acceptedCurves = ['P-256', 'P-384', 'P-521'];
const minimumRsaBits = 2048;

export async function readCertificateSigningRequest(pem: unknown): Promise<CertificateSigningRequest> {
  if (typeof pem !== 'string' || !pem.includes('CERTIFICATE REQUEST')) {
    throw new InvalidCsrError('certificateSigningRequest must be a PEM "CERTIFICATE REQUEST"');
  }
  let request: x509.Pkcs10CertificateRequest;
  try {
    request = new x509.Pkcs10CertificateRequest(pem);
  } catch (error) {
    throw new InvalidCsrError(
      `certificateSigningRequest is not a readable PKCS#10 CSR: ${(error as Error).message}`,
    );
  }
  if (!(await request.verify())) {
    throw new InvalidCsrError('The CSR signature does not verify: sign it with the private key it names');
  }
  const algorithm = request.publicKey.algorithm as {
    name: string;
    namedCurve?: string;
    modulusLength?: number;
  };
  const accepted =
    (algorithm.name === 'ECDSA' && acceptedCurves.includes(algorithm.namedCurve ?? '')) ||
    (algorithm.name.startsWith('RSA') && (algorithm.modulusLength ?? 0) >= minimumRsaBits);
  if (!accepted) {
    throw new InvalidCsrError(
      `The CSR key (${algorithm.name} ${algorithm.namedCurve ?? algorithm.modulusLength ?? ''}) is not accepted: ` +
        `use EC ${acceptedCurves.join('/')} or RSA of at least ${minimumRsaBits} bits`,
    );
  }
  const publicKey = await request.publicKey.export();
  const commonName = request.subjectName.getField('CN')[0] ?? 'AWS IoT Certificate';
  return { commonName, publicKey: publicKey as unknown as webcrypto.CryptoKey };
}
