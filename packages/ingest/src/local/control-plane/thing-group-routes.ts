// Static thing groups and their members over HTTP: CreateThingGroup, DescribeThingGroup, UpdateThingGroup,
// ListThingGroups, DeleteThingGroup, AddThingToThingGroup, RemoveThingFromThingGroup,
// ListThingsInThingGroup and ListThingGroupsForThing (IoT API reference, same names).
import { z } from 'zod';
import { assertResourceName, ResourceNotFoundError, type LocalRegistry } from '../registry/index.js';
import {
  AttributePayloadBody,
  pageQuery,
  parseBody,
  queryBoolean,
  queryInteger,
  queryString,
  TagsBody,
} from './request-input.js';
import type { ControlPlaneRoute } from './route-table.js';

const ThingGroupPropertiesBody = z.object({
  thingGroupDescription: z.string().optional(),
  attributePayload: AttributePayloadBody.optional(),
});

const CreateThingGroupBody = z.object({
  parentGroupName: z.string().optional(),
  thingGroupProperties: ThingGroupPropertiesBody.optional(),
  tags: TagsBody,
});

const UpdateThingGroupBody = z.object({
  thingGroupProperties: ThingGroupPropertiesBody,
  expectedVersion: z.number().int().optional(),
});

/** overrideDynamicGroups only matters with dynamic groups, which the local registry does not have. */
const MembershipBody = z.object({
  thingGroupName: z.string().optional(),
  thingGroupArn: z.string().optional(),
  thingName: z.string().optional(),
  thingArn: z.string().optional(),
  overrideDynamicGroups: z.boolean().optional(),
});

export function thingGroupRoutes(registry: LocalRegistry): ControlPlaneRoute[] {
  const groupNameOf = (labels: Readonly<Record<string, string>>): string => labels['thingGroupName'] ?? '';
  return [
    {
      method: 'POST',
      path: '/thing-groups/{thingGroupName}',
      operation: 'CreateThingGroup',
      async handle({ labels, body }) {
        const { tags: _tags, ...input } = parseBody('CreateThingGroup', CreateThingGroupBody, body);
        const group = await registry.createThingGroup({ thingGroupName: groupNameOf(labels), ...input });
        return {
          thingGroupName: group.thingGroupName,
          thingGroupArn: group.thingGroupArn,
          thingGroupId: group.thingGroupId,
        };
      },
    },
    {
      method: 'GET',
      path: '/thing-groups/{thingGroupName}',
      operation: 'DescribeThingGroup',
      async handle({ labels }) {
        const thingGroupName = groupNameOf(labels);
        assertResourceName('Thing group', thingGroupName);
        const group = await registry.describeThingGroup(thingGroupName);
        if (!group) throw new ResourceNotFoundError('Thing group', thingGroupName);
        return group;
      },
    },
    {
      method: 'PATCH',
      path: '/thing-groups/{thingGroupName}',
      operation: 'UpdateThingGroup',
      async handle({ labels, body }) {
        const input = parseBody('UpdateThingGroup', UpdateThingGroupBody, body);
        const group = await registry.updateThingGroup({ thingGroupName: groupNameOf(labels), ...input });
        return { version: group.version };
      },
    },
    {
      method: 'GET',
      path: '/thing-groups',
      operation: 'ListThingGroups',
      async handle({ query }) {
        return registry.listThingGroups({
          ...pageQuery(query),
          parentGroup: queryString(query, 'parentGroup'),
          namePrefixFilter: queryString(query, 'namePrefixFilter'),
          recursive: queryBoolean(query, 'recursive'),
        });
      },
    },
    {
      method: 'DELETE',
      path: '/thing-groups/{thingGroupName}',
      operation: 'DeleteThingGroup',
      async handle({ labels, query }) {
        await registry.deleteThingGroup(groupNameOf(labels), {
          expectedVersion: queryInteger(query, 'expectedVersion'),
        });
        return undefined;
      },
    },
    {
      method: 'PUT',
      path: '/thing-groups/addThingToThingGroup',
      operation: 'AddThingToThingGroup',
      async handle({ body }) {
        await registry.addThingToThingGroup(parseBody('AddThingToThingGroup', MembershipBody, body));
        return undefined;
      },
    },
    {
      method: 'PUT',
      path: '/thing-groups/removeThingFromThingGroup',
      operation: 'RemoveThingFromThingGroup',
      async handle({ body }) {
        await registry.removeThingFromThingGroup(
          parseBody('RemoveThingFromThingGroup', MembershipBody, body),
        );
        return undefined;
      },
    },
    {
      method: 'GET',
      path: '/thing-groups/{thingGroupName}/things',
      operation: 'ListThingsInThingGroup',
      async handle({ labels, query }) {
        return registry.listThingsInThingGroup({
          ...pageQuery(query),
          thingGroupName: groupNameOf(labels),
          recursive: queryBoolean(query, 'recursive'),
        });
      },
    },
    {
      method: 'GET',
      path: '/things/{thingName}/thing-groups',
      operation: 'ListThingGroupsForThing',
      async handle({ labels, query }) {
        return registry.listThingGroupsForThing({
          ...pageQuery(query),
          thingName: labels['thingName'] ?? '',
        });
      },
    },
  ];
}
