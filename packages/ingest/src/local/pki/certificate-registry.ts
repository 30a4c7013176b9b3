// The registered device certificates, their status and what they are attached to, in an embedded DuckDB
// file. Method names and rules mirror the AWS IoT API: RegisterCertificate, DescribeCertificate,
// ListCertificates, UpdateCertificate (REVOKED is final), AttachThingPrincipal, DetachThingPrincipal,
// AttachPolicy, ListPrincipalThings, ListAttachedPolicies (https://docs.aws.amazon.com/iot/latest/apireference/).
import { EmbeddedDatabase } from '../embedded-database.js';
import { certificateIdOf } from './certificate-id.js';
import {
  CertificateAlreadyExistsError,
  CertificateNotFoundError,
  CertificateStateError,
  InvalidCertificateStatusError,
} from './certificate-errors.js';

export const certificateStatuses = ['ACTIVE', 'INACTIVE', 'REVOKED'] as const;
export type CertificateStatus = (typeof certificateStatuses)[number];

export interface CertificateSummary {
  readonly certificateId: string;
  readonly status: CertificateStatus;
  readonly createdAt: Date;
  readonly lastModifiedAt: Date;
}

export interface CertificateDescription extends CertificateSummary {
  readonly certificatePem: string;
}

export interface RegisterCertificateRequest {
  readonly certificatePem: string;
  /** @default 'INACTIVE', as AWS RegisterCertificate without setAsActive/status */
  readonly status?: CertificateStatus;
}

export interface CertificateStatusChange {
  readonly certificateId: string;
  readonly previousStatus: CertificateStatus;
  readonly status: CertificateStatus;
}

export type CertificateStatusListener = (change: CertificateStatusChange) => void;

export class CertificateRegistry {
  private readonly statusListeners = new Set<CertificateStatusListener>();

  private constructor(private readonly database: EmbeddedDatabase) {}

  /** Opens (or creates) the certificate database; `:memory:` keeps it in memory. */
  static async open(path: string): Promise<CertificateRegistry> {
    return new CertificateRegistry(
      await EmbeddedDatabase.open(path, [
        `CREATE TABLE IF NOT EXISTS certificates (
      certificate_id VARCHAR PRIMARY KEY,
      certificate_pem VARCHAR NOT NULL,
      status VARCHAR NOT NULL,
      created_at TIMESTAMPTZ NOT NULL,
      last_modified_at TIMESTAMPTZ NOT NULL)`,
        `CREATE TABLE IF NOT EXISTS thing_principals (
      thing_name VARCHAR NOT NULL,
      certificate_id VARCHAR NOT NULL,
      PRIMARY KEY (thing_name, certificate_id))`,
        `CREATE TABLE IF NOT EXISTS policy_principals (
      policy_name VARCHAR NOT NULL,
      certificate_id VARCHAR NOT NULL,
      PRIMARY KEY (policy_name, certificate_id))`,
      ]),
    );
  }

  /** Like AWS RegisterCertificate: the id is derived from the PEM; registering the same certificate twice fails. */
  async registerCertificate(request: RegisterCertificateRequest): Promise<CertificateDescription> {
    const status = checkedStatus(request.status ?? 'INACTIVE');
    const certificateId = certificateIdOf(request.certificatePem);
    if (await this.find(certificateId)) throw new CertificateAlreadyExistsError(certificateId);
    const now = new Date();
    await this.database.run(
      'INSERT INTO certificates VALUES ($1, $2, $3, $4::TIMESTAMPTZ, $4::TIMESTAMPTZ)',
      [certificateId, request.certificatePem, status, now.toISOString()],
    );
    return {
      certificateId,
      certificatePem: request.certificatePem,
      status,
      createdAt: now,
      lastModifiedAt: now,
    };
  }

  /** Like AWS DescribeCertificate: an unknown id is a CertificateNotFoundError. */
  async describeCertificate(certificateId: string): Promise<CertificateDescription> {
    const found = await this.find(certificateId);
    if (!found) throw new CertificateNotFoundError(certificateId);
    return found;
  }

  async listCertificates(): Promise<CertificateSummary[]> {
    const rows = await this.database.rows(
      'SELECT certificate_id, status, created_at, last_modified_at FROM certificates ORDER BY created_at, certificate_id',
    );
    return rows.map(toSummary);
  }

  /**
   * Like AWS UpdateCertificate. REVOKED is final (CertificateStateError). Listeners registered with
   * onStatusChange run after the change is stored, so a listener that cuts connections never races a reconnect.
   */
  async updateCertificate(certificateId: string, status: CertificateStatus): Promise<void> {
    checkedStatus(status);
    const current = await this.describeCertificate(certificateId);
    if (current.status === status) return;
    if (current.status === 'REVOKED')
      throw new CertificateStateError(current.certificateId, current.status, status);
    await this.database.run(
      'UPDATE certificates SET status = $2, last_modified_at = $3::TIMESTAMPTZ WHERE certificate_id = $1',
      [current.certificateId, status, new Date().toISOString()],
    );
    const change = { certificateId: current.certificateId, previousStatus: current.status, status };
    for (const listener of this.statusListeners) listener(change);
  }

  /** Calls `listener` after every status change; returns the function that stops it. */
  onStatusChange(listener: CertificateStatusListener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Like AWS AttachThingPrincipal: idempotent. The thing itself lives in LocalRegistry and is not checked here. */
  async attachThingPrincipal(thingName: string, certificateId: string): Promise<void> {
    const { certificateId: id } = await this.describeCertificate(certificateId);
    await this.database.run('INSERT INTO thing_principals VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      thingName,
      id,
    ]);
  }

  /** Like AWS DetachThingPrincipal: detaching what is not attached is not an error. */
  async detachThingPrincipal(thingName: string, certificateId: string): Promise<void> {
    const { certificateId: id } = await this.describeCertificate(certificateId);
    await this.database.run('DELETE FROM thing_principals WHERE thing_name = $1 AND certificate_id = $2', [
      thingName,
      id,
    ]);
  }

  /** Like AWS AttachPolicy with a certificate as the target: idempotent. Policy documents live elsewhere. */
  async attachPolicy(policyName: string, certificateId: string): Promise<void> {
    const { certificateId: id } = await this.describeCertificate(certificateId);
    await this.database.run('INSERT INTO policy_principals VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      policyName,
      id,
    ]);
  }

  /** Like AWS ListPrincipalThings: the names of the things the certificate is attached to. */
  async listPrincipalThings(certificateId: string): Promise<string[]> {
    const { certificateId: id } = await this.describeCertificate(certificateId);
    const rows = await this.database.rows(
      'SELECT thing_name FROM thing_principals WHERE certificate_id = $1 ORDER BY thing_name',
      [id],
    );
    return rows.map((row) => String(row['thing_name']));
  }

  /** Like AWS ListThingPrincipals: the ids of the certificates attached to the thing. */
  async listThingPrincipals(thingName: string): Promise<string[]> {
    const rows = await this.database.rows(
      'SELECT certificate_id FROM thing_principals WHERE thing_name = $1 ORDER BY certificate_id',
      [thingName],
    );
    return rows.map((row) => String(row['certificate_id']));
  }

  /** Like AWS ListAttachedPolicies with the certificate as the target. */
  async listAttachedPolicies(certificateId: string): Promise<string[]> {
    const { certificateId: id } = await this.describeCertificate(certificateId);
    const rows = await this.database.rows(
      'SELECT policy_name FROM policy_principals WHERE certificate_id = $1 ORDER BY policy_name',
      [id],
    );
    return rows.map((row) => String(row['policy_name']));
  }

  close(): void {
    this.statusListeners.clear();
    this.database.close();
  }

  private async find(certificateId: string): Promise<CertificateDescription | undefined> {
    // Ids are hex; accept the upper-case form a user may paste from another tool.
    const rows = await this.database.rows('SELECT * FROM certificates WHERE certificate_id = $1', [
      certificateId.toLowerCase(),
    ]);
    const row = rows[0];
    return row ? { ...toSummary(row), certificatePem: String(row['certificate_pem']) } : undefined;
  }
}

function checkedStatus(status: string): CertificateStatus {
  if (!(certificateStatuses as readonly string[]).includes(status))
    throw new InvalidCertificateStatusError(status);
  return status as CertificateStatus;
}

function toSummary(row: Record<string, unknown>): CertificateSummary {
  return {
    certificateId: String(row['certificate_id']),
    status: String(row['status']) as CertificateStatus,
    createdAt: row['created_at'] as Date,
    lastModifiedAt: row['last_modified_at'] as Date,
  };
}
