// The DuckDB tables behind CertificateRegistry: their schema, and reading them into the in-memory mirror
// the registry answers the connect path from.
import { randomBytes } from 'node:crypto';
import type { EmbeddedDatabase } from '../embedded-database.js';
import { caCertificateSchema } from './ca-certificate-registry.js';
import type { CertificateStatus, CertificateSummary } from './certificate-registry.js';

export const certificateSchema = [
  `CREATE TABLE IF NOT EXISTS certificates (
      certificate_id VARCHAR PRIMARY KEY,
      certificate_pem VARCHAR NOT NULL,
      status VARCHAR NOT NULL,
      created_at TIMESTAMPTZ NOT NULL,
      last_modified_at TIMESTAMPTZ NOT NULL)`,
  // Added after the first release: older databases gain the column, their rows keep NULL (CA unknown).
  'ALTER TABLE certificates ADD COLUMN IF NOT EXISTS ca_certificate_id VARCHAR',
  `CREATE TABLE IF NOT EXISTS thing_principals (
      thing_name VARCHAR NOT NULL,
      certificate_id VARCHAR NOT NULL,
      PRIMARY KEY (thing_name, certificate_id))`,
  `CREATE TABLE IF NOT EXISTS policy_principals (
      policy_name VARCHAR NOT NULL,
      certificate_id VARCHAR NOT NULL,
      PRIMARY KEY (policy_name, certificate_id))`,
  // A REVOKED certificate deleted with DeleteCertificate stays revoked for whoever checks crl.pem: without
  // this row the next signing of the list would drop it, and a gateway would let the certificate back in.
  `CREATE TABLE IF NOT EXISTS deleted_revoked_certificates (
      certificate_id VARCHAR PRIMARY KEY,
      certificate_pem VARCHAR NOT NULL,
      revoked_at TIMESTAMPTZ NOT NULL)`,
  caCertificateSchema,
  'CREATE TABLE IF NOT EXISTS registration_code (code VARCHAR NOT NULL)',
];

export interface MirroredCertificate {
  summary: CertificateSummary;
  readonly thingNames: Set<string>;
  readonly policyNames: Set<string>;
}

export interface CertificateMirror {
  readonly certificates: Map<string, MirroredCertificate>;
  /** Thing name → ids of the certificates attached to it (ListThingPrincipals). */
  readonly principalsByThing: Map<string, Set<string>>;
}

/** Every registered certificate with its attachments, read once at open. */
export async function readCertificateMirror(database: EmbeddedDatabase): Promise<CertificateMirror> {
  const certificates = new Map<string, MirroredCertificate>();
  const principalsByThing = new Map<string, Set<string>>();
  const rows = await database.rows(
    'SELECT certificate_id, status, created_at, last_modified_at, ca_certificate_id FROM certificates ORDER BY created_at, certificate_id',
  );
  for (const row of rows) {
    const summary = toSummary(row);
    certificates.set(summary.certificateId, { summary, thingNames: new Set(), policyNames: new Set() });
  }
  for (const row of await database.rows('SELECT thing_name, certificate_id FROM thing_principals')) {
    const thingName = String(row['thing_name']);
    const certificateId = String(row['certificate_id']);
    certificates.get(certificateId)?.thingNames.add(thingName);
    setOf(principalsByThing, thingName).add(certificateId);
  }
  for (const row of await database.rows('SELECT policy_name, certificate_id FROM policy_principals')) {
    certificates.get(String(row['certificate_id']))?.policyNames.add(String(row['policy_name']));
  }
  return { certificates, principalsByThing };
}

/** The database's registration code (GetRegistrationCode), made once and kept, as AWS keeps one per account. */
export async function registrationCodeOf(database: EmbeddedDatabase): Promise<string> {
  const [row] = await database.rows('SELECT code FROM registration_code LIMIT 1');
  if (row) return String(row['code']);
  const code = randomBytes(32).toString('hex');
  await database.run('INSERT INTO registration_code VALUES ($1)', [code]);
  return code;
}

export function setOf<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  const existing = map.get(key);
  if (existing) return existing;
  const created = new Set<V>();
  map.set(key, created);
  return created;
}

function toSummary(row: Record<string, unknown>): CertificateSummary {
  const caCertificateId = row['ca_certificate_id'];
  return {
    certificateId: String(row['certificate_id']),
    status: String(row['status']) as CertificateStatus,
    createdAt: row['created_at'] as Date,
    lastModifiedAt: row['last_modified_at'] as Date,
    caCertificateId: typeof caCertificateId === 'string' ? caCertificateId : undefined,
  };
}
