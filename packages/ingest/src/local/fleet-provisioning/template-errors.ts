// Errors of the provisioning template store, coded like the registry's so the control plane answers
// ResourceNotFoundException (404) and ResourceAlreadyExistsException (409) as AWS does.

export class ProvisioningTemplateNotFoundError extends Error {
  readonly code = 'RESOURCE_NOT_FOUND';
  constructor(readonly templateName: string) {
    super(
      `Provisioning template "${templateName}" not found: create it with CreateProvisioningTemplate, or check the name`,
    );
  }
}

export class ProvisioningTemplateAlreadyExistsError extends Error {
  readonly code = 'RESOURCE_ALREADY_EXISTS';
  constructor(readonly templateName: string) {
    super(`Provisioning template "${templateName}" already exists: pick another name`);
  }
}
