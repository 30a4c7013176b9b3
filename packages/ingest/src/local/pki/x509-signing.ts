// Key generation and X.509 signing over Node's WebCrypto, so the local CA needs no openssl binary.
// Keys are EC P-256 with ECDSA-SHA256: AWS IoT accepts them for device certificates (CreateCertificateFromCsr:
// "RSA ... at least 2048 bits or an ECC key from NIST P-256, P-384, or P-521"), every TLS stack we test
// (Node for mqtt.js, OpenSSL for mosquitto_pub) supports them, and a key pair takes milliseconds where
// RSA-2048 takes a noticeable fraction of a second, which matters when provisioning fleets and in tests.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
const { subtle } = webcrypto;

const keyAlgorithm: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const signingAlgorithm: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

/** A certificate together with the private key that can sign on its behalf. */
export interface SigningIdentity {
  readonly certificate: x509.X509Certificate;
  readonly privateKey: CryptoKey;
}

export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export async function generateKeyPair(): Promise<CryptoKeyPair> {
  return subtle.generateKey(keyAlgorithm, true, ['sign', 'verify']);
}

export async function privateKeyToPem(privateKey: CryptoKey): Promise<string> {
  const pkcs8 = await subtle.exportKey('pkcs8', privateKey);
  return x509.PemConverter.encode(pkcs8, 'PRIVATE KEY');
}

export async function publicKeyToPem(publicKey: CryptoKey): Promise<string> {
  const spki = await subtle.exportKey('spki', publicKey);
  return x509.PemConverter.encode(spki, 'PUBLIC KEY');
}

export async function importPrivateKeyPem(pem: string): Promise<CryptoKey> {
  return subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(pem), keyAlgorithm, false, ['sign']);
}

/** A self-signed CA certificate: basicConstraints CA (critical) and keyCertSign/cRLSign only (RFC 5280 §4.2.1). */
export async function createSelfSignedCa(
  commonName: string,
  keys: CryptoKeyPair,
  validity: Validity,
): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.createSelfSigned({
    name: [{ CN: [commonName] }],
    keys,
    ...validity,
    signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
}

export interface LeafCertificateRequest {
  readonly issuer: SigningIdentity;
  readonly commonName: string;
  readonly publicKey: CryptoKey;
  readonly validity: Validity;
  /** 'client' for devices (TLS client auth), 'server' for the broker's endpoint. */
  readonly role: 'client' | 'server';
  /** Only for server certificates: the names clients will check the endpoint against. */
  readonly subjectAltNames?: readonly x509.JsonGeneralName[];
}

/** An end-entity certificate signed by `issuer`. */
export async function signLeafCertificate(request: LeafCertificateRequest): Promise<x509.X509Certificate> {
  const { issuer, role } = request;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(
      [role === 'client' ? x509.ExtendedKeyUsage.clientAuth : x509.ExtendedKeyUsage.serverAuth],
      false,
    ),
    await x509.SubjectKeyIdentifierExtension.create(request.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(issuer.certificate.publicKey),
  ];
  if (request.subjectAltNames) {
    extensions.push(new x509.SubjectAlternativeNameExtension([...request.subjectAltNames], false));
  }
  return x509.X509CertificateGenerator.create({
    // The structured form keeps a common name containing ',' or '=' from being parsed as more attributes.
    subject: [{ CN: [request.commonName] }],
    issuer: issuer.certificate.subjectName,
    publicKey: request.publicKey,
    signingKey: issuer.privateKey,
    ...request.validity,
    signingAlgorithm,
    extensions,
  });
}

export function parseCertificate(pem: string): x509.X509Certificate {
  return new x509.X509Certificate(pem);
}

export interface RevokedCertificate {
  /** Hex, as in the certificate. */
  readonly serialNumber: string;
  readonly revokedAt: Date;
}

/** A certificate revocation list (X.509 v2 CRL, PEM) signed by `issuer`. */
export async function signRevocationList(
  issuer: SigningIdentity,
  revoked: readonly RevokedCertificate[],
  thisUpdate: Date,
  nextUpdate: Date,
): Promise<string> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: issuer.certificate.subjectName,
    thisUpdate,
    nextUpdate,
    entries: revoked.map((entry) => ({
      serialNumber: entry.serialNumber,
      revocationDate: entry.revokedAt,
      reason: x509.X509CrlReason.unspecified,
    })),
    signingKey: issuer.privateKey,
    signingAlgorithm,
  });
  // OpenSSL and most TLS stacks read the RFC 7468 label X509 CRL (the library writes CRL).
  return x509.PemConverter.encode(crl.rawData, 'X509 CRL');
}
