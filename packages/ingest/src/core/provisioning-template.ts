// The fleet's provisioning template, one definition for both runtimes: the DeviceRegistryStack deploys it
// as AWS::IoT::ProvisioningTemplate and the local IoT Core registers it at start, so a device provisioning
// by claim gets the same thing, certificate status and policy from either
// (https://docs.aws.amazon.com/iot/latest/developerguide/provision-template.html).

/** The fleet-provisioning template devices register through. */
export const fleetTemplateName = 'tributary-fleet';

/** The parameter the service fills with the id of the certificate being provisioned (fleet provisioning). */
export const certificateIdParameter = 'AWS::IoT::Certificate::Id';

/** A provisioning template body, as CreateProvisioningTemplate takes it (JSON text of this shape). */
export interface ProvisioningTemplateBody {
  readonly Parameters?: Readonly<Record<string, { readonly Type?: string; readonly Default?: unknown }>>;
  readonly Mappings?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
  readonly Resources: Readonly<Record<string, ProvisioningTemplateResource>>;
  readonly DeviceConfiguration?: Readonly<Record<string, unknown>>;
}

export interface ProvisioningTemplateResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly OverrideSettings?: Readonly<Record<string, unknown>>;
}

/**
 * Registers a device as thing `sensor-<SerialNumber>` of the fleet's thing type with its site as an
 * attribute, activates the certificate it created over MQTT and attaches the default device policy.
 */
export function fleetProvisioningTemplate(thingTypeName: string, policyName: string) {
  return {
    Parameters: {
      SerialNumber: { Type: 'String' },
      Site: { Type: 'String' },
      [certificateIdParameter]: { Type: 'String' },
    },
    Resources: {
      thing: {
        Type: 'AWS::IoT::Thing',
        Properties: {
          ThingName: { 'Fn::Join': ['', ['sensor-', { Ref: 'SerialNumber' }]] },
          ThingTypeName: thingTypeName,
          AttributePayload: { site: { Ref: 'Site' } },
        },
      },
      certificate: {
        Type: 'AWS::IoT::Certificate',
        Properties: { CertificateId: { Ref: certificateIdParameter }, Status: 'ACTIVE' },
      },
      policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyName: policyName } },
    },
  } satisfies ProvisioningTemplateBody;
}
