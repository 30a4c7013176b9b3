// Errors on the wire as the IoT control plane sends them: the exception name in the x-amzn-ErrorType
// header (and `__type`), the HTTP status the service model gives it, and `{ message }` in the body.
// Statuses are the ones in @aws-sdk/client-iot's schemas (e.g. VersionConflictException 409).
import { RegistryError, ResourceAlreadyExistsError, type RegistryErrorCode } from '../registry/index.js';

export interface WireError {
  readonly status: number;
  readonly type: string;
  readonly body: Record<string, unknown>;
}

const byRegistryCode: Record<RegistryErrorCode, { status: number; type: string }> = {
  RESOURCE_NOT_FOUND: { status: 404, type: 'ResourceNotFoundException' },
  RESOURCE_ALREADY_EXISTS: { status: 409, type: 'ResourceAlreadyExistsException' },
  INVALID_REQUEST: { status: 400, type: 'InvalidRequestException' },
  VERSION_CONFLICT: { status: 409, type: 'VersionConflictException' },
};

/** Errors of the certificate and policy stores (and the policy parser), by their `code`. */
const byErrorCode: Record<string, { status: number; type: string } | undefined> = {
  ...byRegistryCode,
  CERTIFICATE_STATE: { status: 406, type: 'CertificateStateException' },
  CERTIFICATE_VALIDATION: { status: 400, type: 'CertificateValidationException' },
  DELETE_CONFLICT: { status: 409, type: 'DeleteConflictException' },
  INVALID_IOT_POLICY: { status: 400, type: 'MalformedPolicyException' },
  UNSUPPORTED_IOT_POLICY_FEATURE: { status: 400, type: 'MalformedPolicyException' },
};

/** A protocol-level error of the control plane itself (unknown operation, unreadable body). */
export class ControlPlaneError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export function wireErrorOf(error: unknown): WireError {
  if (error instanceof RegistryError) {
    const { status, type } = byRegistryCode[error.code];
    const extra =
      error instanceof ResourceAlreadyExistsError
        ? { resourceId: error.resourceId, resourceArn: error.resourceArn }
        : {};
    return { status, type, body: { message: error.message, ...extra } };
  }
  const coded = byErrorCode[(error as { code?: unknown } | null)?.code as string];
  if (coded && error instanceof Error) {
    return { status: coded.status, type: coded.type, body: { message: error.message } };
  }
  if (error instanceof ControlPlaneError)
    return { status: error.status, type: error.type, body: { message: error.message } };
  const message = error instanceof Error ? error.message : String(error);
  return {
    status: 500,
    type: 'InternalFailureException',
    body: { message: `The local control plane failed: ${message} (see its log for details)` },
  };
}
