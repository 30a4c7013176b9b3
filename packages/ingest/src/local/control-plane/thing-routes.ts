// CreateThing, DescribeThing, ListThings, UpdateThing and DeleteThing over HTTP, with the paths and
// members of the IoT API reference (https://docs.aws.amazon.com/iot/latest/apireference/API_CreateThing.html …).
import { z } from 'zod';
import { assertThingName, ResourceNotFoundError, type LocalRegistry, type Thing } from '../registry/index.js';
import {
  AttributePayloadBody,
  pageQuery,
  parseBody,
  queryBoolean,
  queryInteger,
  queryString,
  refuseUnsupported,
} from './request-input.js';
import type { ControlPlaneRoute } from './route-table.js';

const CreateThingBody = z.object({
  thingTypeName: z.string().optional(),
  attributePayload: AttributePayloadBody.optional(),
  billingGroupName: z.string().optional(),
});

const UpdateThingBody = z.object({
  thingTypeName: z.string().optional(),
  attributePayload: AttributePayloadBody.optional(),
  expectedVersion: z.number().int().optional(),
  removeThingType: z.boolean().optional(),
});

/** ListThings items are ThingAttribute: no thingId or defaultClientId. */
const thingAttributeOf = ({ thingName, thingTypeName, thingArn, attributes, version }: Thing) => ({
  thingName,
  thingTypeName,
  thingArn,
  attributes,
  version,
});

export function thingRoutes(registry: LocalRegistry): ControlPlaneRoute[] {
  return [
    {
      method: 'POST',
      path: '/things/{thingName}',
      operation: 'CreateThing',
      async handle({ labels, body }) {
        const input = parseBody('CreateThing', CreateThingBody, body);
        refuseUnsupported('CreateThing', 'billingGroupName', input.billingGroupName);
        const thing = await registry.createThing({
          thingName: labels['thingName'] ?? '',
          thingTypeName: input.thingTypeName,
          attributePayload: input.attributePayload,
        });
        return { thingName: thing.thingName, thingArn: thing.thingArn, thingId: thing.thingId };
      },
    },
    {
      method: 'GET',
      path: '/things/{thingName}',
      operation: 'DescribeThing',
      async handle({ labels }) {
        const thingName = labels['thingName'] ?? '';
        assertThingName(thingName);
        const thing = await registry.describeThing(thingName);
        if (!thing) throw new ResourceNotFoundError('Thing', thingName);
        return thing;
      },
    },
    {
      method: 'GET',
      path: '/things',
      operation: 'ListThings',
      async handle({ query }) {
        const page = await registry.listThings({
          ...pageQuery(query),
          attributeName: queryString(query, 'attributeName'),
          attributeValue: queryString(query, 'attributeValue'),
          usePrefixAttributeValue: queryBoolean(query, 'usePrefixAttributeValue'),
          thingTypeName: queryString(query, 'thingTypeName'),
        });
        return { things: page.things.map(thingAttributeOf), nextToken: page.nextToken };
      },
    },
    {
      method: 'PATCH',
      path: '/things/{thingName}',
      operation: 'UpdateThing',
      async handle({ labels, body }) {
        const input = parseBody('UpdateThing', UpdateThingBody, body);
        await registry.updateThing({ thingName: labels['thingName'] ?? '', ...input });
        return undefined;
      },
    },
    {
      method: 'DELETE',
      path: '/things/{thingName}',
      operation: 'DeleteThing',
      async handle({ labels, query }) {
        await registry.deleteThing(labels['thingName'] ?? '', {
          expectedVersion: queryInteger(query, 'expectedVersion'),
        });
        return undefined;
      },
    },
  ];
}
