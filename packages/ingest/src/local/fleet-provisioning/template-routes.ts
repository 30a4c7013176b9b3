// CreateProvisioningTemplate, DescribeProvisioningTemplate and ListProvisioningTemplates on the control
// plane, at the paths and shapes @aws-sdk/client-iot uses (https://docs.aws.amazon.com/iot/latest/apireference/).
// Template versions, pre-provisioning hooks and the JITP type are not emulated and are refused by name.
import { z } from 'zod';
import { ProvisioningTemplateError } from '../../core/index.js';
import { parseBody, refuseUnsupported, TagsBody } from '../control-plane/request-input.js';
import type { ControlPlaneRoute } from '../control-plane/route-table.js';
import { toWire } from '../control-plane/wire-format.js';
import { InvalidRequestError } from '../registry/index.js';
import type { ProvisioningTemplateStore, StoredProvisioningTemplate } from './template-store.js';

const CreateProvisioningTemplateBody = z.object({
  templateName: z.string(),
  templateBody: z.string(),
  provisioningRoleArn: z.string().min(20),
  description: z.string().max(500).optional(),
  enabled: z.boolean().optional(),
  type: z.string().optional(),
  preProvisioningHook: z.unknown().optional(),
  tags: TagsBody,
});

const defaultVersionId = 1;

export function provisioningTemplateRoutes(templates: ProvisioningTemplateStore): ControlPlaneRoute[] {
  return [
    {
      method: 'POST',
      path: '/provisioning-templates',
      operation: 'CreateProvisioningTemplate',
      async handle({ body }) {
        const request = parseBody('CreateProvisioningTemplate', CreateProvisioningTemplateBody, body);
        refuseUnsupported('CreateProvisioningTemplate', 'preProvisioningHook', request.preProvisioningHook);
        if (request.type !== undefined && request.type !== 'FLEET_PROVISIONING') {
          throw new InvalidRequestError(
            `CreateProvisioningTemplate: type ${request.type} is not supported locally; use FLEET_PROVISIONING`,
          );
        }
        const stored = await templateChecked(() =>
          templates.create({
            templateName: request.templateName,
            templateBody: request.templateBody,
            provisioningRoleArn: request.provisioningRoleArn,
            description: request.description,
            enabled: request.enabled,
          }),
        );
        return { templateArn: stored.templateArn, templateName: stored.templateName, defaultVersionId };
      },
    },
    {
      method: 'GET',
      path: '/provisioning-templates/{templateName}',
      operation: 'DescribeProvisioningTemplate',
      handle: async ({ labels }) => describe(templates.require(labels['templateName'] ?? '')),
    },
    {
      method: 'GET',
      path: '/provisioning-templates',
      operation: 'ListProvisioningTemplates',
      handle: async () => ({
        templates: templates.list().map((template) => toWire(summaryOf(template))),
      }),
    },
  ];
}

function summaryOf(template: StoredProvisioningTemplate) {
  return {
    templateArn: template.templateArn,
    templateName: template.templateName,
    description: template.description,
    creationDate: new Date(template.creationDate),
    lastModifiedDate: new Date(template.lastModifiedDate),
    enabled: template.enabled,
    type: 'FLEET_PROVISIONING',
  };
}

function describe(template: StoredProvisioningTemplate): object {
  return toWire({
    ...summaryOf(template),
    defaultVersionId,
    templateBody: template.templateBody,
    provisioningRoleArn: template.provisioningRoleArn,
  }) as object;
}

/** A template refused by the checker is an InvalidRequestException naming what to change. */
async function templateChecked<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof ProvisioningTemplateError) throw new InvalidRequestError(error.message);
    throw error;
  }
}
