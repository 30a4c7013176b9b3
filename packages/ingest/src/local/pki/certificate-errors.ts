// Typed errors of the local PKI, named and coded after the AWS IoT API exceptions they mirror
// (https://docs.aws.amazon.com/iot/latest/apireference/CommonErrors.html and each action's Errors section).

/** Like AWS ResourceNotFoundException for a certificate id. */
export class CertificateNotFoundError extends Error {
  readonly code = 'RESOURCE_NOT_FOUND';
  constructor(readonly certificateId: string) {
    super(
      `Certificate "${certificateId}" is not registered: list registered ids with listCertificates(), ` +
        `or register the PEM first with registerCertificate() (the id is the SHA-256 of the DER certificate, 64 hex characters)`,
    );
  }
}

/** Like AWS ResourceAlreadyExistsException from RegisterCertificate. */
export class CertificateAlreadyExistsError extends Error {
  readonly code = 'RESOURCE_ALREADY_EXISTS';
  constructor(readonly certificateId: string) {
    super(
      `Certificate "${certificateId}" is already registered: change its status with updateCertificate() instead`,
    );
  }
}

/** Like AWS CertificateStateException: the status transition is not allowed (REVOKED is final, an ACTIVE CA stays). */
export class CertificateStateError extends Error {
  readonly code = 'CERTIFICATE_STATE';
  constructor(
    readonly certificateId: string,
    from: string,
    to: string,
    remedy = 'REVOKED is final; issue and register a new certificate for the device instead',
  ) {
    super(`Certificate "${certificateId}" cannot go from ${from} to ${to}: ${remedy}`);
  }
}

/** Like AWS DeleteConflictException from DeleteCertificate: a thing or policy is still attached. */
export class CertificateDeleteConflictError extends Error {
  readonly code = 'DELETE_CONFLICT';
  constructor(certificateId: string, attached: string, remedy: string) {
    super(`Certificate "${certificateId}" cannot be deleted while ${attached}: ${remedy}`);
  }
}

/** Like AWS ResourceNotFoundException for a CA certificate id. */
export class CaCertificateNotFoundError extends Error {
  readonly code = 'RESOURCE_NOT_FOUND';
  constructor(readonly certificateId: string) {
    super(
      `CA certificate "${certificateId}" is not registered: list registered CAs with ListCACertificates, ` +
        `or register it with RegisterCACertificate`,
    );
  }
}

/** Like AWS CertificateValidationException from RegisterCACertificate: no valid proof of the CA key. */
export class VerificationCertificateError extends Error {
  readonly code = 'CERTIFICATE_VALIDATION';
  constructor(reason: string) {
    super(`The CA certificate cannot be registered: ${reason}`);
  }
}

/** Like AWS CertificateValidationException: the input is not a parseable X.509 certificate. */
export class InvalidCertificateError extends Error {
  readonly code = 'CERTIFICATE_VALIDATION';
  constructor(reason: string) {
    super(
      `Not a valid X.509 certificate (${reason}): pass one PEM block starting with -----BEGIN CERTIFICATE-----`,
    );
  }
}

/** The CA directory holds only half of a certificate/key pair, so it cannot be loaded or safely recreated. */
export class IncompleteKeyPairError extends Error {
  readonly code = 'PKI_FILES_INCOMPLETE';
  constructor(present: string, missing: string) {
    super(
      `Found ${present} but not ${missing}: restore ${missing} from a backup, or move both files away ` +
        `to create a new pair (devices issued by an old CA must then be re-provisioned)`,
    );
  }
}

/** Like AWS InvalidRequestException for a status outside ACTIVE / INACTIVE / REVOKED (ACTIVE / INACTIVE for a CA). */
export class InvalidCertificateStatusError extends Error {
  readonly code = 'INVALID_REQUEST';
  constructor(status: string, allowed: readonly string[] = ['ACTIVE', 'INACTIVE', 'REVOKED']) {
    super(`Invalid certificate status "${status}": use ${allowed.join(', ')}`);
  }
}
