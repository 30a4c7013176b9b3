// CreateThingType, DescribeThingType, ListThingTypes, DeprecateThingType and DeleteThingType over HTTP
// (IoT API reference: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateThingType.html …).
import { z } from 'zod';
import { assertResourceName, ResourceNotFoundError, type LocalRegistry } from '../registry/index.js';
import { pageQuery, parseBody, queryString, refuseUnsupported, TagsBody } from './request-input.js';
import type { ControlPlaneRoute } from './route-table.js';

const CreateThingTypeBody = z.object({
  thingTypeProperties: z
    .object({
      thingTypeDescription: z.string().optional(),
      searchableAttributes: z.array(z.string()).optional(),
      mqtt5Configuration: z.unknown().optional(),
    })
    .optional(),
  tags: TagsBody,
});

const DeprecateThingTypeBody = z.object({ undoDeprecate: z.boolean().optional() });

export function thingTypeRoutes(registry: LocalRegistry): ControlPlaneRoute[] {
  const thingTypeNameOf = (labels: Readonly<Record<string, string>>): string => labels['thingTypeName'] ?? '';
  return [
    {
      method: 'POST',
      path: '/thing-types/{thingTypeName}',
      operation: 'CreateThingType',
      async handle({ labels, body }) {
        const input = parseBody('CreateThingType', CreateThingTypeBody, body);
        refuseUnsupported(
          'CreateThingType',
          'mqtt5Configuration',
          input.thingTypeProperties?.mqtt5Configuration,
        );
        const type = await registry.createThingType({
          thingTypeName: thingTypeNameOf(labels),
          thingTypeProperties: input.thingTypeProperties,
        });
        return {
          thingTypeName: type.thingTypeName,
          thingTypeArn: type.thingTypeArn,
          thingTypeId: type.thingTypeId,
        };
      },
    },
    {
      method: 'GET',
      path: '/thing-types/{thingTypeName}',
      operation: 'DescribeThingType',
      async handle({ labels }) {
        const thingTypeName = thingTypeNameOf(labels);
        assertResourceName('Thing type', thingTypeName);
        const thingType = await registry.describeThingType(thingTypeName);
        if (!thingType) throw new ResourceNotFoundError('Thing type', thingTypeName);
        return thingType;
      },
    },
    {
      method: 'GET',
      path: '/thing-types',
      operation: 'ListThingTypes',
      async handle({ query }) {
        const page = await registry.listThingTypes({
          ...pageQuery(query),
          thingTypeName: queryString(query, 'thingTypeName'),
        });
        // ListThingTypes items are ThingTypeDefinition: no thingTypeId.
        const thingTypes = page.thingTypes.map(({ thingTypeId: _id, ...definition }) => definition);
        return { thingTypes, nextToken: page.nextToken };
      },
    },
    {
      method: 'POST',
      path: '/thing-types/{thingTypeName}/deprecate',
      operation: 'DeprecateThingType',
      async handle({ labels, body }) {
        const input = parseBody('DeprecateThingType', DeprecateThingTypeBody, body);
        await registry.deprecateThingType(thingTypeNameOf(labels), input);
        return undefined;
      },
    },
    {
      method: 'DELETE',
      path: '/thing-types/{thingTypeName}',
      operation: 'DeleteThingType',
      async handle({ labels }) {
        await registry.deleteThingType(thingTypeNameOf(labels));
        return undefined;
      },
    },
  ];
}
