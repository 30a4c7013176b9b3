// Composes fleet provisioning by claim for the local IoT Core: the template store (with the fleet's own
// template, registered at every start as the DeviceRegistryStack deploys it), the MQTT API on the broker,
// and the control-plane routes for templates.
import type { Aedes } from 'aedes';
import { join } from 'node:path';
import type { Logger } from '@tributary/contracts';
import {
  devicePolicyName,
  fleetProvisioningTemplate,
  fleetTemplateName,
  type AwsLocation,
} from '../../core/index.js';
import type { ControlPlaneRoute } from '../control-plane/route-table.js';
import type { LocalCertificateAuthority } from '../pki/certificate-authority.js';
import type { CertificateRegistry } from '../pki/certificate-registry.js';
import type { LocalPolicyStore } from '../policy-store.js';
import type { LocalRegistry } from '../registry.js';
import { CertificateOwnershipTokens } from './ownership-tokens.js';
import { attachProvisioningTopics } from './provisioning-topics.js';
import { FleetProvisioningService } from './provisioning-service.js';
import { provisioningTemplateRoutes } from './template-routes.js';
import { ProvisioningTemplateStore } from './template-store.js';

/** IoTCoreStack's `deviceThingTypeName` (infra/ may not be imported here): the type fleet devices register as. */
export const fleetThingTypeName = 'environment-sensor';

export interface FleetProvisioningOptions {
  readonly dataDir: string;
  readonly aedes: Aedes;
  readonly ca: LocalCertificateAuthority;
  readonly certificates: CertificateRegistry;
  readonly registry: LocalRegistry;
  readonly policies: LocalPolicyStore;
  readonly location: AwsLocation;
  readonly logger: Logger;
}

export interface LocalFleetProvisioning {
  readonly templates: ProvisioningTemplateStore;
  /** CreateProvisioningTemplate, DescribeProvisioningTemplate, ListProvisioningTemplates. */
  readonly routes: ControlPlaneRoute[];
  close(): Promise<void>;
}

export async function startFleetProvisioning(
  options: FleetProvisioningOptions,
): Promise<LocalFleetProvisioning> {
  const { partition = 'aws', account } = options.location;
  const templates = await ProvisioningTemplateStore.open(
    join(options.dataDir, 'provisioning-templates.json'),
    options.location,
  );
  await templates.put({
    templateName: fleetTemplateName,
    description: 'Registers a device as a thing of the fleet type with the default device policy',
    enabled: true,
    provisioningRoleArn: `arn:${partition}:iam::${account}:role/tributary-local-provisioning`,
    templateBody: JSON.stringify(fleetProvisioningTemplate(fleetThingTypeName, devicePolicyName)),
  });
  const service = new FleetProvisioningService({
    ca: options.ca,
    certificates: options.certificates,
    registry: options.registry,
    policies: options.policies,
    templates,
    tokens: new CertificateOwnershipTokens(),
  });
  const topics = attachProvisioningTopics(options.aedes, service, { logger: options.logger });
  return {
    templates,
    routes: provisioningTemplateRoutes(templates),
    async close() {
      topics.detach();
      await topics.idle();
    },
  };
}
