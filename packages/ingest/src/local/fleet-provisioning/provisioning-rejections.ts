// The `…/rejected` payloads of the device provisioning MQTT API: `{statusCode, errorCode, errorMessage}`
// (fleet-provision-api.html). Error codes are those AWS IoT's API reference gives the same failures
// (RegisterThing, CreateCertificateFromCsr); InvalidCertificateOwnershipToken is what AWS answers for a bad token.
import { ProvisioningTemplateError } from '../../core/index.js';

export interface ProvisioningRejection {
  readonly statusCode: number;
  readonly errorCode: string;
  readonly errorMessage: string;
}

export const rejection = (
  statusCode: number,
  errorCode: string,
  errorMessage: string,
): ProvisioningRejection => ({
  statusCode,
  errorCode,
  errorMessage,
});

export const invalidRequest = (message: string) => rejection(400, 'InvalidRequestException', message);

export const invalidOwnershipToken = (message: string) =>
  rejection(400, 'InvalidCertificateOwnershipToken', message);

export const internalFailure = () =>
  rejection(
    500,
    'InternalFailureException',
    'The local IoT Core failed to provision: see its log for details',
  );

/** A template that cannot provision this device: its parameters, or a function it could not evaluate. */
export function templateRejection(error: ProvisioningTemplateError): ProvisioningRejection {
  return invalidRequest(error.message);
}

/** Creating or attaching what the template describes failed (missing thing type, group or policy, conflicts). */
export function registrationFailure(error: Error): ProvisioningRejection {
  return rejection(400, 'ResourceRegistrationFailureException', error.message);
}

/** The `cbor` payload format of AWS, which the local endpoint does not speak. */
export const cborUnsupported = rejection(
  400,
  'UnsupportedPayloadFormat',
  'The local IoT Core answers the device provisioning MQTT API in JSON only: publish to the …/json topics instead of …/cbor',
);
