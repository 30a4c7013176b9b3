// The registered CA certificates — AWS IoT's "bring your own CA" — in the certificate database, mirrored in
// memory because the mTLS listener reads them on every connect. Method names and rules mirror the AWS IoT
// API: RegisterCACertificate, DescribeCACertificate, ListCACertificates, UpdateCACertificate (ACTIVE |
// INACTIVE), DeleteCACertificate (only once INACTIVE)
// (https://docs.aws.amazon.com/iot/latest/developerguide/manage-your-CA-certs.html). A CA that is not
// ACTIVE blocks every device certificate it signed (faults.md #13).
import type { X509Certificate } from 'node:crypto';
import type { EmbeddedDatabase } from '../embedded-database.js';
import {
  CaCertificateNotFoundError,
  CertificateAlreadyExistsError,
  CertificateStateError,
  InvalidCertificateError,
  InvalidCertificateStatusError,
  VerificationCertificateError,
} from './certificate-errors.js';
import { certificateIdOfDer, parseCertificatePem } from './certificate-id.js';

export const caCertificateStatuses = ['ACTIVE', 'INACTIVE'] as const;
export type CaCertificateStatus = (typeof caCertificateStatuses)[number];
export type AutoRegistrationStatus = 'ENABLE' | 'DISABLE';
/** DEFAULT: registered with proof of key possession; SNI_ONLY: registered without a verification certificate. */
export type CaCertificateMode = 'DEFAULT' | 'SNI_ONLY';

export interface CaCertificateSummary {
  readonly certificateId: string;
  readonly status: CaCertificateStatus;
  readonly createdAt: Date;
}

export interface CaCertificateDescription extends CaCertificateSummary {
  readonly certificatePem: string;
  readonly autoRegistrationStatus: AutoRegistrationStatus;
  readonly certificateMode: CaCertificateMode;
  readonly lastModifiedAt: Date;
  readonly validity: { readonly notBefore: Date; readonly notAfter: Date };
}

export interface RegisterCaCertificateRequest {
  readonly caCertificatePem: string;
  /**
   * A certificate signed by the CA whose common name is the account's registration code (GetRegistrationCode):
   * proof that the registrant holds the CA's private key. Required unless `certificateMode` is SNI_ONLY.
   */
  readonly verificationCertificatePem?: string;
  /** @default 'DEFAULT' */
  readonly certificateMode?: CaCertificateMode;
  /** @default false (INACTIVE), as AWS */
  readonly setAsActive?: boolean;
  /** Kept and reported; just-in-time registration itself is not emulated. @default false */
  readonly allowAutoRegistration?: boolean;
}

export interface UpdateCaCertificateRequest {
  readonly newStatus?: CaCertificateStatus;
  readonly newAutoRegistrationStatus?: AutoRegistrationStatus;
}

/** A CA registered, its status changed, or deleted (then `status` is undefined). */
export interface CaCertificateChange {
  readonly certificateId: string;
  readonly previousStatus: CaCertificateStatus | undefined;
  readonly status: CaCertificateStatus | undefined;
}

export type CaCertificateListener = (change: CaCertificateChange) => void;

export const caCertificateSchema = `CREATE TABLE IF NOT EXISTS ca_certificates (
  certificate_id VARCHAR PRIMARY KEY,
  certificate_pem VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  auto_registration_status VARCHAR NOT NULL,
  certificate_mode VARCHAR NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  last_modified_at TIMESTAMPTZ NOT NULL)`;

interface CaRecord {
  description: CaCertificateDescription;
  readonly parsed: X509Certificate;
}

export class CaCertificateRegistry {
  private readonly listeners = new Set<CaCertificateListener>();
  /** The platform's own CA (ensureRegistered): it signs the endpoint's certificate, so it is never deleted. */
  private platformCaId: string | undefined;
  /** Ids being inserted, so a concurrent second registration is refused like a completed one. */
  private readonly registering = new Set<string>();

  private constructor(
    private readonly database: EmbeddedDatabase,
    private readonly registrationCode: string,
    /** Every registered CA by id: the durable rows, loaded once; this class is their only writer. */
    private readonly records: Map<string, CaRecord>,
  ) {}

  /** Loads the CA rows of `database` (whose schema includes caCertificateSchema) into memory. */
  static async load(database: EmbeddedDatabase, registrationCode: string): Promise<CaCertificateRegistry> {
    const rows = await database.rows('SELECT * FROM ca_certificates ORDER BY created_at, certificate_id');
    const records = new Map<string, CaRecord>();
    for (const row of rows) {
      const certificatePem = String(row['certificate_pem']);
      const parsed = parseCertificatePem(certificatePem);
      records.set(String(row['certificate_id']), {
        parsed,
        description: {
          certificateId: String(row['certificate_id']),
          certificatePem,
          status: String(row['status']) as CaCertificateStatus,
          autoRegistrationStatus: String(row['auto_registration_status']) as AutoRegistrationStatus,
          certificateMode: String(row['certificate_mode']) as CaCertificateMode,
          createdAt: row['created_at'] as Date,
          lastModifiedAt: row['last_modified_at'] as Date,
          validity: validityOf(parsed),
        },
      });
    }
    return new CaCertificateRegistry(database, registrationCode, records);
  }

  /** Like AWS GetRegistrationCode: the common name a verification certificate must carry. */
  getRegistrationCode(): string {
    return this.registrationCode;
  }

  /** Like AWS RegisterCACertificate: the certificate must be a CA, and (DEFAULT mode) proven by a verification certificate. */
  async registerCaCertificate(request: RegisterCaCertificateRequest): Promise<CaCertificateDescription> {
    const parsed = parseCertificatePem(request.caCertificatePem);
    if (!parsed.ca) {
      throw new InvalidCertificateError(
        'it is not a CA certificate (basicConstraints CA:TRUE); register device certificates with RegisterCertificate',
      );
    }
    const certificateMode = request.certificateMode ?? 'DEFAULT';
    if (request.verificationCertificatePem !== undefined) {
      this.checkVerificationCertificate(parsed, request.verificationCertificatePem);
    } else if (certificateMode !== 'SNI_ONLY') {
      throw new VerificationCertificateError(
        'a verificationCertificate is required: sign a certificate whose common name is the registration code ' +
          '(GetRegistrationCode) with the CA key, or register with certificateMode SNI_ONLY',
      );
    }
    return this.store(parsed, request.caCertificatePem, {
      certificateMode,
      status: request.setAsActive ? 'ACTIVE' : 'INACTIVE',
      autoRegistrationStatus: request.allowAutoRegistration ? 'ENABLE' : 'DISABLE',
    });
  }

  /**
   * Registers the platform's own CA (ACTIVE) unless it is registered already; its status is left as it is.
   * It can be set INACTIVE (blocking its devices) but not deleted.
   */
  async ensureRegistered(caCertificatePem: string): Promise<CaCertificateDescription> {
    this.platformCaId = certificateIdOfDer(parseCertificatePem(caCertificatePem).raw);
    const existing = this.records.get(this.platformCaId);
    if (existing) return existing.description;
    // No verification certificate: the platform made this CA and holds its key.
    return this.store(parseCertificatePem(caCertificatePem), caCertificatePem, {
      certificateMode: 'DEFAULT',
      status: 'ACTIVE',
      autoRegistrationStatus: 'DISABLE',
    });
  }

  /** Like AWS DescribeCACertificate. */
  describeCaCertificate(certificateId: string): CaCertificateDescription {
    return this.recordOf(certificateId).description;
  }

  /** Like AWS ListCACertificates: oldest first. */
  listCaCertificates(): CaCertificateSummary[] {
    return [...this.records.values()].map(({ description }) => ({
      certificateId: description.certificateId,
      status: description.status,
      createdAt: description.createdAt,
    }));
  }

  /** The status of a registered CA, or undefined when it is not registered. */
  statusOf(certificateId: string): CaCertificateStatus | undefined {
    return this.records.get(certificateId.toLowerCase())?.description.status;
  }

  /** Like AWS UpdateCACertificate. Listeners run after the change is stored. */
  async updateCaCertificate(certificateId: string, update: UpdateCaCertificateRequest): Promise<void> {
    const record = this.recordOf(certificateId);
    const current = record.description;
    if (
      update.newStatus !== undefined &&
      !(caCertificateStatuses as readonly string[]).includes(update.newStatus)
    ) {
      throw new InvalidCertificateStatusError(update.newStatus, caCertificateStatuses);
    }
    const next: CaCertificateDescription = {
      ...current,
      status: update.newStatus ?? current.status,
      autoRegistrationStatus: update.newAutoRegistrationStatus ?? current.autoRegistrationStatus,
      lastModifiedAt: new Date(),
    };
    await this.database.run(
      `UPDATE ca_certificates SET status = $2, auto_registration_status = $3, last_modified_at = $4::TIMESTAMPTZ
       WHERE certificate_id = $1`,
      [current.certificateId, next.status, next.autoRegistrationStatus, next.lastModifiedAt.toISOString()],
    );
    record.description = next;
    if (next.status !== current.status) {
      this.notify({
        certificateId: current.certificateId,
        previousStatus: current.status,
        status: next.status,
      });
    }
  }

  /** Like AWS DeleteCACertificate: only an INACTIVE CA can be deleted (CertificateStateException otherwise), never the platform's. */
  async deleteCaCertificate(certificateId: string): Promise<void> {
    const { certificateId: id, status } = this.recordOf(certificateId).description;
    if (status !== 'INACTIVE') {
      throw new CertificateStateError(id, status, 'deleted', 'set the CA certificate INACTIVE first');
    }
    if (id === this.platformCaId) {
      throw new CertificateStateError(
        id,
        status,
        'deleted',
        "it is the platform's own CA, which signs the endpoint's server certificate; keep it INACTIVE to block its devices",
      );
    }
    await this.database.run('DELETE FROM ca_certificates WHERE certificate_id = $1', [id]);
    this.records.delete(id);
    this.notify({ certificateId: id, previousStatus: status, status: undefined });
  }

  /**
   * The id of the registered CA that signed `certificatePem`. With `caCertificatePem` (RegisterCertificate's
   * caCertificatePem) that CA must be registered and must have signed it; without, any registered issuer is
   * looked for and undefined means none.
   */
  issuerOf(certificatePem: string, caCertificatePem?: string): string | undefined {
    const certificate = parseCertificatePem(certificatePem);
    if (caCertificatePem !== undefined) {
      const caId = certificateIdOfDer(parseCertificatePem(caCertificatePem).raw);
      const record = this.records.get(caId);
      if (!record) {
        throw new InvalidCertificateError(
          `its caCertificatePem (${caId}) is not a registered CA certificate; register it with RegisterCACertificate first`,
        );
      }
      if (!signedBy(certificate, record.parsed)) {
        throw new InvalidCertificateError(`it was not signed by the CA certificate ${caId}`);
      }
      return caId;
    }
    for (const [caId, record] of this.records) if (signedBy(certificate, record.parsed)) return caId;
    return undefined;
  }

  /** The PEMs of every registered CA, for the TLS trust store. */
  registeredCertificatePems(): string[] {
    return [...this.records.values()].map(({ description }) => description.certificatePem);
  }

  /** Calls `listener` after every registration, status change and deletion; returns the function that stops it. */
  onChange(listener: CaCertificateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.listeners.clear();
  }

  private async store(
    parsed: X509Certificate,
    certificatePem: string,
    settings: Pick<CaCertificateDescription, 'status' | 'autoRegistrationStatus' | 'certificateMode'>,
  ): Promise<CaCertificateDescription> {
    const certificateId = certificateIdOfDer(parsed.raw);
    if (this.records.has(certificateId) || this.registering.has(certificateId))
      throw new CertificateAlreadyExistsError(certificateId);
    const now = new Date();
    const description: CaCertificateDescription = {
      certificateId,
      certificatePem,
      ...settings,
      createdAt: now,
      lastModifiedAt: now,
      validity: validityOf(parsed),
    };
    this.registering.add(certificateId);
    try {
      await this.database.run(
        'INSERT INTO ca_certificates VALUES ($1, $2, $3, $4, $5, $6::TIMESTAMPTZ, $6::TIMESTAMPTZ)',
        [
          certificateId,
          certificatePem,
          description.status,
          description.autoRegistrationStatus,
          description.certificateMode,
          now.toISOString(),
        ],
      );
    } finally {
      this.registering.delete(certificateId);
    }
    this.records.set(certificateId, { description, parsed });
    this.notify({ certificateId, previousStatus: undefined, status: description.status });
    return description;
  }

  private recordOf(certificateId: string): CaRecord {
    const record = this.records.get(certificateId.toLowerCase());
    if (!record) throw new CaCertificateNotFoundError(certificateId);
    return record;
  }

  private checkVerificationCertificate(ca: X509Certificate, verificationPem: string): void {
    const verification = parseCertificatePem(verificationPem);
    if (!signedBy(verification, ca)) {
      throw new VerificationCertificateError(
        'the verificationCertificate was not signed by the CA certificate',
      );
    }
    const commonName = /(?:^|\n)CN=(.*)/.exec(verification.subject)?.[1];
    if (commonName !== this.registrationCode) {
      throw new VerificationCertificateError(
        `the verificationCertificate's common name must be the registration code "${this.registrationCode}" (GetRegistrationCode), not "${commonName ?? ''}"`,
      );
    }
  }

  private notify(change: CaCertificateChange): void {
    for (const listener of this.listeners) listener(change);
  }
}

function signedBy(certificate: X509Certificate, ca: X509Certificate): boolean {
  return certificate.checkIssued(ca) && certificate.verify(ca.publicKey);
}

/** A certificate's validity period as the IoT API reports it (DescribeCertificate, DescribeCACertificate). */
export function validityOf(certificate: X509Certificate): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(certificate.validFrom), notAfter: new Date(certificate.validTo) };
}
