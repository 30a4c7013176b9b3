// Why a provisioning template was refused or could not provision a device, as values with a code the
// adapters map to AWS's error (InvalidRequestException on CreateProvisioningTemplate and RegisterThing).

export type ProvisioningTemplateErrorCode =
  /** The template is not a valid provisioning template (shape, references). */
  | 'INVALID_TEMPLATE'
  /** Valid on AWS, but not emulated locally: refused loudly rather than ignored. */
  | 'UNSUPPORTED_TEMPLATE_FEATURE'
  /** RegisterThing left out a parameter the template declares without a Default. */
  | 'MISSING_PARAMETERS'
  /** The template failed while being evaluated with the device's parameters (e.g. Fn::Select out of range). */
  | 'TEMPLATE_EVALUATION';

export class ProvisioningTemplateError extends Error {
  constructor(
    readonly code: ProvisioningTemplateErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The intrinsic functions fleet provisioning templates may use (provision-template.html#intrinsic-functions). */
export const supportedIntrinsicFunctions = [
  'Fn::Join',
  'Fn::Select',
  'Fn::FindInMap',
  'Fn::Split',
  'Fn::Sub',
] as const;

export function unsupportedFunction(name: string, where: string): ProvisioningTemplateError {
  return new ProvisioningTemplateError(
    'UNSUPPORTED_TEMPLATE_FEATURE',
    `${where} uses ${name}, which provisioning templates do not support here: use Ref or one of ` +
      `${supportedIntrinsicFunctions.join(', ')}`,
  );
}

export function invalidTemplate(message: string): ProvisioningTemplateError {
  return new ProvisioningTemplateError('INVALID_TEMPLATE', message);
}

export function evaluationFailed(message: string): ProvisioningTemplateError {
  return new ProvisioningTemplateError('TEMPLATE_EVALUATION', message);
}
