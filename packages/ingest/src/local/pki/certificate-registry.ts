// The registered device certificates, their status and what they are attached to, in an embedded DuckDB
// file, with the registered CA certificates beside them (`caCertificates`). Method names and rules mirror the
// AWS IoT API: RegisterCertificate, DescribeCertificate, ListCertificates, UpdateCertificate (REVOKED is
// final), DeleteCertificate, AttachThingPrincipal, DetachThingPrincipal, AttachPolicy, DetachPolicy,
// ListPrincipalThings, ListAttachedPolicies (https://docs.aws.amazon.com/iot/latest/apireference/). DuckDB is the durable store; each certificate's
// status and attachments are also mirrored in memory and updated on every write (this class is the only
// writer, in one process), so admitting a device connection runs no query.
import { EmbeddedDatabase } from '../embedded-database.js';
import { CaCertificateRegistry } from './ca-certificate-registry.js';
import {
  CertificateAlreadyExistsError,
  CertificateDeleteConflictError,
  CertificateNotFoundError,
  CertificateStateError,
  InvalidCertificateStatusError,
} from './certificate-errors.js';
import { certificateIdOf } from './certificate-id.js';
import {
  certificateSchema,
  readCertificateMirror,
  registrationCodeOf,
  setOf,
  type MirroredCertificate,
} from './certificate-tables.js';

export const certificateStatuses = ['ACTIVE', 'INACTIVE', 'REVOKED'] as const;
export type CertificateStatus = (typeof certificateStatuses)[number];

export interface CertificateSummary {
  readonly certificateId: string;
  readonly status: CertificateStatus;
  readonly createdAt: Date;
  readonly lastModifiedAt: Date;
  /** The registered CA that signed it, when one did (certificates registered before the CA was are unknown). */
  readonly caCertificateId: string | undefined;
}

export interface CertificateDescription extends CertificateSummary {
  readonly certificatePem: string;
}

/** What the connect path needs about a certificate, answered from memory. */
export interface CertificateAttachments {
  readonly status: CertificateStatus;
  readonly caCertificateId: string | undefined;
  readonly thingNames: readonly string[];
  readonly policyNames: readonly string[];
}

export interface RegisterCertificateRequest {
  readonly certificatePem: string;
  /** @default 'INACTIVE', as AWS RegisterCertificate without setAsActive/status */
  readonly status?: CertificateStatus;
  /** Like RegisterCertificate's caCertificatePem: the registered CA that signed it (checked). */
  readonly caCertificatePem?: string;
}

export interface CertificateStatusChange {
  readonly certificateId: string;
  readonly previousStatus: CertificateStatus;
  readonly status: CertificateStatus;
}

export type CertificateStatusListener = (change: CertificateStatusChange) => void;

/** A certificate the revocation list names: REVOKED, or REVOKED and then deleted. */
export interface RevokedCertificate {
  readonly certificatePem: string;
  readonly revokedAt: Date;
}

export class CertificateRegistry {
  private readonly statusListeners = new Set<CertificateStatusListener>();
  private policyChanges = 0;
  /** Ids being inserted, so a concurrent second registration is refused like a completed one. */
  private readonly registering = new Set<string>();

  private constructor(
    private readonly database: EmbeddedDatabase,
    /** The registered CA certificates (RegisterCACertificate and friends), in the same database. */
    readonly caCertificates: CaCertificateRegistry,
    private readonly mirror: Map<string, MirroredCertificate>,
    /** Thing name → ids of the certificates attached to it (ListThingPrincipals). */
    private readonly principalsByThing: Map<string, Set<string>>,
  ) {}

  /** Opens (or creates) the certificate database; `:memory:` keeps it in memory. */
  static async open(path: string): Promise<CertificateRegistry> {
    const database = await EmbeddedDatabase.open(path, certificateSchema);
    const { certificates, principalsByThing } = await readCertificateMirror(database);
    const caCertificates = await CaCertificateRegistry.load(database, await registrationCodeOf(database));
    return new CertificateRegistry(database, caCertificates, certificates, principalsByThing);
  }

  /**
   * Like AWS RegisterCertificate: the id is derived from the PEM; registering the same certificate twice
   * fails. With `caCertificatePem`, that CA must be registered and must have signed it.
   */
  async registerCertificate(request: RegisterCertificateRequest): Promise<CertificateDescription> {
    const status = checkedStatus(request.status ?? 'INACTIVE');
    const certificateId = certificateIdOf(request.certificatePem);
    if (this.mirror.has(certificateId) || this.registering.has(certificateId))
      throw new CertificateAlreadyExistsError(certificateId);
    const caCertificateId = this.caCertificates.issuerOf(request.certificatePem, request.caCertificatePem);
    const now = new Date();
    this.registering.add(certificateId);
    try {
      await this.database.run(
        `INSERT INTO certificates (certificate_id, certificate_pem, status, created_at, last_modified_at, ca_certificate_id)
         VALUES ($1, $2, $3, $4::TIMESTAMPTZ, $4::TIMESTAMPTZ, $5)`,
        [certificateId, request.certificatePem, status, now.toISOString(), caCertificateId ?? null],
      );
    } finally {
      this.registering.delete(certificateId);
    }
    const summary = { certificateId, status, createdAt: now, lastModifiedAt: now, caCertificateId };
    this.mirror.set(certificateId, { summary, thingNames: new Set(), policyNames: new Set() });
    return { ...summary, certificatePem: request.certificatePem };
  }

  /** Like AWS DescribeCertificate: an unknown id is a CertificateNotFoundError. The PEM is read from the store. */
  async describeCertificate(certificateId: string): Promise<CertificateDescription> {
    const { summary } = this.mirrored(certificateId);
    const rows = await this.database.rows(
      'SELECT certificate_pem FROM certificates WHERE certificate_id = $1',
      [summary.certificateId],
    );
    return { ...summary, certificatePem: String(rows[0]?.['certificate_pem'] ?? '') };
  }

  /** Status, CA and attachments of a registered certificate, from memory; undefined when it is not registered. */
  attachmentsOf(certificateId: string): CertificateAttachments | undefined {
    const found = this.mirror.get(certificateId.toLowerCase());
    if (!found) return undefined;
    return {
      status: found.summary.status,
      caCertificateId: found.summary.caCertificateId,
      thingNames: [...found.thingNames].sort(),
      policyNames: [...found.policyNames].sort(),
    };
  }

  async listCertificates(): Promise<CertificateSummary[]> {
    return Promise.resolve([...this.mirror.values()].map(({ summary }) => summary));
  }

  /**
   * Like AWS UpdateCertificate. REVOKED is final (CertificateStateError). Listeners registered with
   * onStatusChange run after the change is stored, so a listener that cuts connections never races a reconnect.
   */
  async updateCertificate(certificateId: string, status: CertificateStatus): Promise<void> {
    checkedStatus(status);
    const entry = this.mirrored(certificateId);
    const current = entry.summary;
    if (current.status === status) return;
    if (current.status === 'REVOKED')
      throw new CertificateStateError(current.certificateId, current.status, status);
    const lastModifiedAt = new Date();
    await this.database.run(
      'UPDATE certificates SET status = $2, last_modified_at = $3::TIMESTAMPTZ WHERE certificate_id = $1',
      [current.certificateId, status, lastModifiedAt.toISOString()],
    );
    entry.summary = { ...current, status, lastModifiedAt };
    const change = { certificateId: current.certificateId, previousStatus: current.status, status };
    for (const listener of this.statusListeners) listener(change);
  }

  /**
   * Like AWS DeleteCertificate: only a certificate that is not ACTIVE (CertificateStateError) and attached to
   * no thing (CertificateDeleteConflictError) can be deleted; attached policies refuse it too unless
   * `forceDelete`, which detaches them. No status listener runs: a certificate that is not ACTIVE already
   * has no connection, and a REVOKED one stays in revokedCertificates().
   */
  async deleteCertificate(certificateId: string, options: { forceDelete?: boolean } = {}): Promise<void> {
    const entry = this.mirrored(certificateId);
    const { certificateId: id, status } = entry.summary;
    if (status === 'ACTIVE') {
      throw new CertificateStateError(id, status, 'deleted', 'set it INACTIVE with UpdateCertificate first');
    }
    if (entry.thingNames.size > 0) {
      const things = [...entry.thingNames].sort().join(', ');
      throw new CertificateDeleteConflictError(
        id,
        `it is attached to thing ${things}`,
        'detach it with DetachThingPrincipal first',
      );
    }
    if (entry.policyNames.size > 0 && !options.forceDelete) {
      const policies = [...entry.policyNames].sort().join(', ');
      throw new CertificateDeleteConflictError(
        id,
        `policy ${policies} is attached`,
        'detach it with DetachPolicy, or pass forceDelete',
      );
    }
    // One statement at a time, no transaction (other writers share the connection): in this order every
    // state a failure could leave is a valid one, and deleting again finishes the job.
    await this.database.run('DELETE FROM policy_principals WHERE certificate_id = $1', [id]);
    if (status === 'REVOKED') {
      await this.database.run(
        `INSERT INTO deleted_revoked_certificates
         SELECT certificate_id, certificate_pem, last_modified_at FROM certificates WHERE certificate_id = $1
         ON CONFLICT DO NOTHING`,
        [id],
      );
    }
    await this.database.run('DELETE FROM certificates WHERE certificate_id = $1', [id]);
    this.mirror.delete(id);
    this.policyChanges += 1;
  }

  /** What crl.pem must list: every REVOKED certificate, deleted ones included, with when it was revoked. */
  async revokedCertificates(): Promise<RevokedCertificate[]> {
    // UNION, not UNION ALL: a deletion interrupted between its statements leaves the certificate in both.
    const rows = await this.database.rows(
      `SELECT certificate_pem, last_modified_at AS revoked_at FROM certificates WHERE status = 'REVOKED'
       UNION
       SELECT certificate_pem, revoked_at FROM deleted_revoked_certificates`,
    );
    return rows.map((row) => ({
      certificatePem: String(row['certificate_pem']),
      revokedAt: row['revoked_at'] as Date,
    }));
  }

  /**
   * How many times a policy was attached to or detached from any certificate: a connection's authorizer reads
   * its certificate's policies again once this has moved, so a change reaches devices already connected.
   */
  get policyAttachmentChanges(): number {
    return this.policyChanges;
  }

  /** Calls `listener` after every status change; returns the function that stops it. */
  onStatusChange(listener: CertificateStatusListener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Like AWS AttachThingPrincipal: idempotent. The thing itself lives in LocalRegistry and is not checked here. */
  async attachThingPrincipal(thingName: string, certificateId: string): Promise<void> {
    const entry = this.mirrored(certificateId);
    const id = entry.summary.certificateId;
    await this.database.run('INSERT INTO thing_principals VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      thingName,
      id,
    ]);
    entry.thingNames.add(thingName);
    setOf(this.principalsByThing, thingName).add(id);
  }

  /** Like AWS DetachThingPrincipal: detaching what is not attached is not an error. */
  async detachThingPrincipal(thingName: string, certificateId: string): Promise<void> {
    const entry = this.mirrored(certificateId);
    const id = entry.summary.certificateId;
    await this.database.run('DELETE FROM thing_principals WHERE thing_name = $1 AND certificate_id = $2', [
      thingName,
      id,
    ]);
    entry.thingNames.delete(thingName);
    const principals = this.principalsByThing.get(thingName);
    principals?.delete(id);
    if (principals?.size === 0) this.principalsByThing.delete(thingName);
  }

  /** Like AWS AttachPolicy with a certificate as the target: idempotent. Policy documents live elsewhere. */
  async attachPolicy(policyName: string, certificateId: string): Promise<void> {
    const entry = this.mirrored(certificateId);
    await this.database.run('INSERT INTO policy_principals VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      policyName,
      entry.summary.certificateId,
    ]);
    entry.policyNames.add(policyName);
    this.policyChanges += 1;
  }

  /** Like AWS DetachPolicy with a certificate as the target: detaching what is not attached is not an error. */
  async detachPolicy(policyName: string, certificateId: string): Promise<void> {
    const entry = this.mirrored(certificateId);
    await this.database.run('DELETE FROM policy_principals WHERE policy_name = $1 AND certificate_id = $2', [
      policyName,
      entry.summary.certificateId,
    ]);
    entry.policyNames.delete(policyName);
    this.policyChanges += 1;
  }

  /** The ids of the certificates the policy is attached to (DeletePolicy refuses while there is one). */
  certificatesWithPolicy(policyName: string): string[] {
    return [...this.mirror.values()]
      .filter((entry) => entry.policyNames.has(policyName))
      .map((entry) => entry.summary.certificateId)
      .sort();
  }

  /** Like AWS ListPrincipalThings: the names of the things the certificate is attached to. */
  async listPrincipalThings(certificateId: string): Promise<string[]> {
    return Promise.resolve([...this.mirrored(certificateId).thingNames].sort());
  }

  /** Like AWS ListThingPrincipals: the ids of the certificates attached to the thing. */
  async listThingPrincipals(thingName: string): Promise<string[]> {
    return Promise.resolve([...(this.principalsByThing.get(thingName) ?? [])].sort());
  }

  /** Like AWS ListAttachedPolicies with the certificate as the target. */
  async listAttachedPolicies(certificateId: string): Promise<string[]> {
    return Promise.resolve([...this.mirrored(certificateId).policyNames].sort());
  }

  close(): void {
    this.statusListeners.clear();
    this.caCertificates.close();
    this.database.close();
  }

  private mirrored(certificateId: string): MirroredCertificate {
    // Ids are hex; accept the upper-case form a user may paste from another tool.
    const found = this.mirror.get(certificateId.toLowerCase());
    if (!found) throw new CertificateNotFoundError(certificateId);
    return found;
  }
}

function checkedStatus(status: string): CertificateStatus {
  if (!(certificateStatuses as readonly string[]).includes(status))
    throw new InvalidCertificateStatusError(status);
  return status as CertificateStatus;
}
